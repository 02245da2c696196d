/*
 * test_store: the store against a real SQLite database in a fresh temporary directory per
 * test (mkdtemp), through store.h only.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <check.h>
#include <jansson.h>

#include "server/store.h"

static char base[64]; /* made by main, removed by main even when tests fail */
static char dir[128];
static char db_path[192];
static struct store *st;

static void rm_tree(const char *path)
{
	DIR *d = opendir(path);
	struct dirent *e;

	if (!d)
		return;
	while ((e = readdir(d))) {
		char p[512];
		struct stat sb;
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		snprintf(p, sizeof(p), "%s/%s", path, e->d_name);
		if (lstat(p, &sb) == 0 && S_ISDIR(sb.st_mode))
			rm_tree(p);
		else
			unlink(p);
	}
	closedir(d);
	rmdir(path);
}

static void setup(void)
{
	struct dw_error err = {0};

	snprintf(dir, sizeof(dir), "%s/t-XXXXXX", base);
	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(db_path, sizeof(db_path), "%s/registry.db", dir);
	ck_assert_msg(store_open(db_path, &st, &err) == 0, "open: %s", err.message);
}

static void teardown(void)
{
	store_close(st);
	st = NULL;
	rm_tree(dir);
}

static void reopen(void)
{
	struct dw_error err = {0};

	store_close(st);
	st = NULL;
	ck_assert_msg(store_open(db_path, &st, &err) == 0, "reopen: %s", err.message);
}

/* Documents ------------------------------------------------------------------------------- */

static json_t *domain_doc(const char *name, const char *title)
{
	json_t *d = json_pack("{s:s, s:s, s:{s:s}, s:{s:s, s:s}}", "apiVersion", "driveway/v1",
	                      "kind", "Domain", "metadata", "name", name, "spec", "title", title,
	                      "owner", "team-x");
	ck_assert_ptr_nonnull(d);
	return d;
}

struct pdoc {
	const char *kind, *owner, *lifecycle, *title, *description;
	const char *tags[4];
};

static json_t *product_doc(const char *domain, const char *name, const struct pdoc *p)
{
	json_t *meta = json_pack("{s:s, s:s, s:s}", "domain", domain, "name", name, "owner",
	                         p && p->owner ? p->owner : "team-x");
	json_t *doc;

	ck_assert_ptr_nonnull(meta);
	if (p && p->lifecycle)
		json_object_set_new(meta, "lifecycle", json_string(p->lifecycle));
	if (p && p->title)
		json_object_set_new(meta, "title", json_string(p->title));
	if (p && p->description)
		json_object_set_new(meta, "description", json_string(p->description));
	if (p && p->tags[0]) {
		json_t *tags = json_array();
		for (int i = 0; i < 4 && p->tags[i]; i++)
			json_array_append_new(tags, json_string(p->tags[i]));
		json_object_set_new(meta, "tags", tags);
	}
	doc = json_pack("{s:s, s:s, s:o, s:{s:s, s:s}}", "apiVersion", "driveway/v1", "kind",
	                "DataProduct", "metadata", meta, "spec", "type",
	                p && p->kind ? p->kind : "api", "compatibility", "BACKWARD");
	ck_assert_ptr_nonnull(doc);
	return doc;
}

static void put_domain(const char *name)
{
	struct dw_error err = {0};
	json_t *d = domain_doc(name, "A domain");
	enum store_result res;
	long long rev;

	ck_assert_msg(store_domain_put(st, name, d, STORE_REV_ANY, &res, &rev, &err) == 0,
	              "domain put: %s", err.message);
	json_decref(d);
}

static void put_product(const char *domain, const char *name, const struct pdoc *p)
{
	struct dw_error err = {0};
	json_t *d = product_doc(domain, name, p);
	enum store_result res;
	long long rev;

	ck_assert_msg(store_product_put(st, domain, name, d, STORE_REV_ANY, &res, &rev, &err) == 0,
	              "product put %s/%s: %s", domain, name, err.message);
	json_decref(d);
}

static int add_version(const char *domain, const char *product, const char *contract,
                       const char *fp, enum store_result *res)
{
	struct store_version_in in = {"openapi", "application/vnd.oai.openapi+json",
	                              contract,  fp,
	                              "admin",   NULL,
	                              NULL,      NULL,
	                              NULL,      0,
	                              0};
	struct dw_error err = {0};
	int number = -1;
	int rc = store_version_add(st, domain, product, &in, &number, res, &err);

	ck_assert_msg(rc == 0, "version add: %s", err.message);
	return number;
}

static long long status_int(const json_t *doc, const char *key)
{
	json_t *v = json_object_get(json_object_get(doc, "status"), key);
	ck_assert_msg(json_is_integer(v), "status.%s is not an integer", key);
	return json_integer_value(v);
}

/* "2026-11-25T23:22:13Z" */
static int is_rfc3339(const char *s)
{
	const char *shape = "dddd-dd-ddTdd:dd:ddZ";

	if (!s || strlen(s) != strlen(shape))
		return 0;
	for (size_t i = 0; shape[i]; i++)
		if (shape[i] == 'd' ? (s[i] < '0' || s[i] > '9') : s[i] != shape[i])
			return 0;
	return 1;
}

/* Every product name of a full listing with filter f, joined by spaces. */
static char *list_names(const struct store_product_filter *f)
{
	struct store_page page = {500, NULL};
	struct dw_error err = {0};
	json_t *items;
	char *next, *out = calloc(1, 8192);
	size_t len = 0, i;
	json_t *it;

	ck_assert_msg(store_product_list(st, f, &page, &items, &next, &err) == 0, "list: %s",
	              err.message);
	ck_assert_ptr_null(next);
	json_array_foreach(items, i, it)
	{
		const json_t *m = json_object_get(it, "metadata");
		len += (size_t)snprintf(out + len, 8192 - len, "%s%s/%s", i ? " " : "",
		                        json_string_value(json_object_get(m, "domain")),
		                        json_string_value(json_object_get(m, "name")));
	}
	json_decref(items);
	return out;
}

/* Reads the 4-byte big-endian field at offset off of the database file's header. */
static unsigned long header_u32(const char *path, long off)
{
	unsigned char b[4];
	FILE *f = fopen(path, "rb");

	ck_assert_ptr_nonnull(f);
	ck_assert_int_eq(fseek(f, off, SEEK_SET), 0);
	ck_assert_uint_eq(fread(b, 1, 4, f), 4);
	fclose(f);
	return (unsigned long)b[0] << 24 | (unsigned long)b[1] << 16 | (unsigned long)b[2] << 8 |
	       b[3];
}

static void header_set_u32(const char *path, long off, unsigned long v)
{
	unsigned char b[4] = {(unsigned char)(v >> 24), (unsigned char)(v >> 16),
	                      (unsigned char)(v >> 8), (unsigned char)v};
	FILE *f = fopen(path, "r+b");

	ck_assert_ptr_nonnull(f);
	ck_assert_int_eq(fseek(f, off, SEEK_SET), 0);
	ck_assert_uint_eq(fwrite(b, 1, 4, f), 4);
	fclose(f);
}

/* Open and migrations --------------------------------------------------------------------- */

START_TEST(test_migration_sets_user_version)
{
	struct dw_error err = {0};
	struct store *other = NULL;
	unsigned char magic[16];
	FILE *f;

	store_close(st);
	st = NULL;
	f = fopen(db_path, "rb");
	ck_assert_ptr_nonnull(f);
	ck_assert_uint_eq(fread(magic, 1, 16, f), 16);
	fclose(f);
	ck_assert_int_eq(memcmp(magic, "SQLite format 3", 16), 0);
	ck_assert_uint_eq(header_u32(db_path, 60), 7);             /* user_version */
	ck_assert_uint_eq(header_u32(db_path, 16) >> 8 & 0xff, 2); /* write version 2: WAL */

	/* a database from a newer program is refused, not downgraded */
	header_set_u32(db_path, 60, 99);
	ck_assert_int_eq(store_open(db_path, &other, &err), DW_INTERNAL);
	ck_assert_ptr_null(other);
	ck_assert_str_eq(err.message, "store schema version 99 is newer than this program's (7)");
	header_set_u32(db_path, 60, 7);
	ck_assert_int_eq(store_open(db_path, &st, &err), 0);
	ck_assert_int_eq(store_integrity_check(st, &err), 0);
}
END_TEST

START_TEST(test_open_errors)
{
	struct dw_error err = {0};
	struct store *other = (struct store *)&err;
	char path[256];
	FILE *f;

	snprintf(path, sizeof(path), "%s/no/such/dir/x.db", dir);
	ck_assert_int_eq(store_open(path, &other, &err), DW_UNAVAILABLE);
	ck_assert_ptr_null(other);
	ck_assert_msg(strstr(err.message, "store unavailable: cannot open database '") ==
	                  err.message,
	              "%s", err.message);

	snprintf(path, sizeof(path), "%s/garbage.db", dir);
	f = fopen(path, "wb");
	ck_assert_ptr_nonnull(f);
	for (int i = 0; i < 200; i++)
		fputs("this is not a database at all\n", f);
	fclose(f);
	ck_assert_int_lt(store_open(path, &other, &err), 0);
	ck_assert_ptr_null(other);
	ck_assert_msg(strstr(err.message, "not a database") != NULL, "%s", err.message);

	ck_assert_int_eq(store_open("", &other, &err), DW_USAGE);
	store_close(NULL);
}
END_TEST

/* Domains --------------------------------------------------------------------------------- */

START_TEST(test_domain_put_results)
{
	struct dw_error err = {0};
	json_t *d = domain_doc("customer", "Customer"), *got;
	json_t *reordered = json_pack("{s:{s:s, s:s}, s:{s:s}, s:s, s:s}", "spec", "owner",
	                              "team-x", "title", "Customer", "metadata", "name", "customer",
	                              "kind", "Domain", "apiVersion", "driveway/v1");
	enum store_result res = 0;
	long long rev = 0, grev = 0;
	char *a, *b;

	ck_assert_int_eq(store_domain_put(st, "customer", d, STORE_REV_ANY, &res, &rev, &err), 0);
	ck_assert_int_eq(res, STORE_CREATED);
	ck_assert_int_eq(rev, 1);
	ck_assert_int_eq(store_domain_put(st, "customer", d, STORE_REV_ANY, &res, &rev, &err), 0);
	ck_assert_int_eq(res, STORE_UNCHANGED);
	ck_assert_int_eq(rev, 1);
	/* the same document with its keys in another order is canonically equal */
	ck_assert_int_eq(
	    store_domain_put(st, "customer", reordered, STORE_REV_ANY, &res, &rev, &err), 0);
	ck_assert_int_eq(res, STORE_UNCHANGED);
	ck_assert_int_eq(rev, 1);

	json_object_set_new(json_object_get(d, "spec"), "title", json_string("Customers"));
	ck_assert_int_eq(store_domain_put(st, "customer", d, STORE_REV_ANY, &res, &rev, &err), 0);
	ck_assert_int_eq(res, STORE_UPDATED);
	ck_assert_int_eq(rev, 2);

	ck_assert_int_eq(store_domain_get(st, "customer", &got, &grev, &err), 0);
	ck_assert_int_eq(grev, 2);
	ck_assert_int_eq(status_int(got, "revision"), 2);
	ck_assert_int_eq(status_int(got, "products"), 0);
	ck_assert(is_rfc3339(
	    json_string_value(json_object_get(json_object_get(got, "status"), "createdAt"))));
	ck_assert(is_rfc3339(
	    json_string_value(json_object_get(json_object_get(got, "status"), "updatedAt"))));
	/* the stored document comes back as written, key order kept */
	json_object_del(got, "status");
	a = json_dumps(got, JSON_COMPACT);
	b = json_dumps(d, JSON_COMPACT);
	ck_assert_str_eq(a, b);
	free(a);
	free(b);
	json_decref(got);
	json_decref(d);
	json_decref(reordered);
}
END_TEST

START_TEST(test_domain_expect_rev)
{
	struct dw_error err = {0};
	json_t *d = domain_doc("sales", "Sales");
	enum store_result res;
	long long rev;

	ck_assert_int_eq(store_domain_put(st, "sales", d, STORE_REV_EXISTS, &res, &rev, &err),
	                 DW_PRECONDITION);
	ck_assert_str_eq(err.message, "domain 'sales' does not exist");
	ck_assert_int_eq(store_domain_put(st, "sales", d, 1, &res, &rev, &err), DW_PRECONDITION);
	ck_assert_int_eq(store_domain_put(st, "sales", d, STORE_REV_ABSENT, &res, &rev, &err), 0);
	ck_assert_int_eq(res, STORE_CREATED);
	ck_assert_int_eq(store_domain_put(st, "sales", d, STORE_REV_ABSENT, &res, &rev, &err),
	                 DW_PRECONDITION);
	ck_assert_str_eq(err.message, "domain 'sales' already exists");

	json_object_set_new(json_object_get(d, "spec"), "title", json_string("Sales 2"));
	ck_assert_int_eq(store_domain_put(st, "sales", d, 7, &res, &rev, &err), DW_PRECONDITION);
	ck_assert_str_eq(err.message, "domain 'sales' is at revision 1, not 7");
	ck_assert_int_eq(store_domain_put(st, "sales", d, 1, &res, &rev, &err), 0);
	ck_assert_int_eq(res, STORE_UPDATED);
	ck_assert_int_eq(rev, 2);
	json_object_set_new(json_object_get(d, "spec"), "title", json_string("Sales 3"));
	ck_assert_int_eq(store_domain_put(st, "sales", d, STORE_REV_EXISTS, &res, &rev, &err), 0);
	ck_assert_int_eq(rev, 3);
	/* a failed precondition wrote nothing */
	ck_assert_int_eq(store_domain_put(st, "sales", d, 2, &res, &rev, &err), DW_PRECONDITION);
	ck_assert_int_eq(store_domain_put(st, "sales", d, 3, &res, &rev, &err), 0);
	ck_assert_int_eq(res, STORE_UNCHANGED);
	ck_assert_int_eq(rev, 3);
	ck_assert_int_eq(store_domain_put(st, "sales", d, 0, &res, &rev, &err), DW_INTERNAL);
	json_decref(d);
}
END_TEST

START_TEST(test_domain_get_missing)
{
	struct dw_error err = {0};
	json_t *got = json_null();

	ck_assert_int_eq(store_domain_get(st, "nope", &got, NULL, &err), DW_NOT_FOUND);
	ck_assert_ptr_null(got);
	ck_assert_int_eq(err.code, DW_NOT_FOUND);
	ck_assert_str_eq(err.message, "domain 'nope' not found");
}
END_TEST

START_TEST(test_domain_delete)
{
	struct dw_error err = {0};
	json_t *got;
	long long rev;

	put_domain("busy");
	put_domain("empty");
	put_product("busy", "p1", NULL);
	put_product("busy", "p2", NULL);
	ck_assert_int_eq(store_domain_delete(st, "busy", STORE_REV_ANY, &err), DW_CONFLICT);
	ck_assert_str_eq(err.message, "domain 'busy' still has 2 products");
	ck_assert_int_eq(store_product_delete(st, "busy", "p1", STORE_REV_ANY, &err), 0);
	ck_assert_int_eq(store_product_delete(st, "busy", "p2", STORE_REV_ANY, &err), 0);
	/* deleted products keep their rows and versions, so the domain stays */
	ck_assert_int_eq(store_domain_delete(st, "busy", STORE_REV_ANY, &err), DW_CONFLICT);
	ck_assert_msg(strstr(err.message, "domain 'busy' still has 2 products (2 deleted") ==
	                  err.message,
	              "%s", err.message);
	ck_assert_int_eq(store_domain_get(st, "busy", &got, NULL, &err), 0);
	ck_assert_int_eq(status_int(got, "products"), 0);
	json_decref(got);

	ck_assert_int_eq(store_domain_delete(st, "empty", 5, &err), DW_PRECONDITION);
	ck_assert_int_eq(store_domain_delete(st, "empty", STORE_REV_ABSENT, &err), DW_PRECONDITION);
	ck_assert_int_eq(store_domain_get(st, "empty", &got, &rev, &err), 0);
	json_decref(got);
	ck_assert_int_eq(store_domain_delete(st, "empty", rev, &err), 0);
	ck_assert_int_eq(store_domain_get(st, "empty", &got, NULL, &err), DW_NOT_FOUND);
	ck_assert_int_eq(store_domain_delete(st, "empty", STORE_REV_ANY, &err), DW_NOT_FOUND);
	ck_assert_str_eq(err.message, "domain 'empty' not found");
	/* the name can be used again */
	put_domain("empty");
	ck_assert_int_eq(store_domain_get(st, "empty", &got, &rev, &err), 0);
	ck_assert_int_eq(rev, 1);
	json_decref(got);
}
END_TEST

START_TEST(test_domain_list_pages)
{
	const char *names[] = {"g", "a", "e", "c", "b", "f", "d"};
	struct store_page page = {3, NULL};
	struct dw_error err = {0};
	char seen[16] = "", *next = NULL, *cursor = NULL;
	json_t *items;
	int pages = 0;

	for (int i = 0; i < 7; i++)
		put_domain(names[i]);
	put_product("c", "one", NULL);
	do {
		size_t i;
		json_t *it;
		page.cursor = cursor;
		ck_assert_msg(store_domain_list(st, &page, &items, &next, &err) == 0, "%s",
		              err.message);
		json_array_foreach(items, i, it)
		{
			const char *n = json_string_value(
			    json_object_get(json_object_get(it, "metadata"), "name"));
			seen[strlen(seen)] = n[0];
			ck_assert_int_eq(status_int(it, "products"), !strcmp(n, "c"));
		}
		ck_assert_int_eq(json_array_size(items), pages < 2 ? 3 : 1);
		json_decref(items);
		free(cursor);
		cursor = next;
		pages++;
	} while (cursor && pages < 10);
	ck_assert_int_eq(pages, 3);
	ck_assert_str_eq(seen, "abcdefg");

	page.cursor = "!!not-base64!!";
	ck_assert_int_eq(store_domain_list(st, &page, &items, &next, &err), DW_MALFORMED);
	ck_assert_str_eq(err.message, "invalid cursor");
	ck_assert_ptr_null(items);
	page.cursor = "cDphCmI"; /* base64url of "p:a\nb", a product listing's cursor */
	ck_assert_int_eq(store_domain_list(st, &page, &items, &next, &err), DW_MALFORMED);
	page.cursor = NULL;
	page.limit = 0;
	ck_assert_int_eq(store_domain_list(st, &page, &items, &next, &err), DW_MALFORMED);
	page.limit = 501;
	ck_assert_int_eq(store_domain_list(st, &page, &items, &next, &err), DW_MALFORMED);
	ck_assert_str_eq(err.message, "limit 501 out of range 1..500");
	page.limit = 500;
	ck_assert_int_eq(store_domain_list(st, &page, &items, &next, &err), 0);
	ck_assert_int_eq(json_array_size(items), 7);
	ck_assert_ptr_null(next);
	json_decref(items);
}
END_TEST

/* Products -------------------------------------------------------------------------------- */

START_TEST(test_product_put_get)
{
	struct pdoc p = {.kind = "topic", .title = "Profile changes", .tags = {"pii"}};
	struct dw_error err = {0};
	json_t *d = product_doc("customer", "events", &p), *got;
	enum store_result res;
	long long rev;

	ck_assert_int_eq(
	    store_product_put(st, "customer", "events", d, STORE_REV_ANY, &res, &rev, &err),
	    DW_NOT_FOUND);
	ck_assert_str_eq(err.message, "domain 'customer' not found");
	put_domain("customer");
	ck_assert_int_eq(
	    store_product_put(st, "customer", "events", d, STORE_REV_EXISTS, &res, &rev, &err),
	    DW_PRECONDITION);
	ck_assert_int_eq(
	    store_product_put(st, "customer", "events", d, STORE_REV_ABSENT, &res, &rev, &err), 0);
	ck_assert_int_eq(res, STORE_CREATED);
	ck_assert_int_eq(rev, 1);
	ck_assert_int_eq(store_product_put(st, "customer", "events", d, 1, &res, &rev, &err), 0);
	ck_assert_int_eq(res, STORE_UNCHANGED);
	ck_assert_int_eq(store_product_put(st, "customer", "events", d, 2, &res, &rev, &err),
	                 DW_PRECONDITION);
	ck_assert_str_eq(err.message, "product 'customer/events' is at revision 1, not 2");
	json_object_set_new(json_object_get(d, "metadata"), "lifecycle", json_string("production"));
	ck_assert_int_eq(store_product_put(st, "customer", "events", d, 1, &res, &rev, &err), 0);
	ck_assert_int_eq(res, STORE_UPDATED);
	ck_assert_int_eq(rev, 2);

	ck_assert_int_eq(store_product_get(st, "customer", "events", 0, &got, &rev, &err), 0);
	ck_assert_int_eq(rev, 2);
	ck_assert_int_eq(status_int(got, "revision"), 2);
	ck_assert_int_eq(status_int(got, "versions"), 0);
	ck_assert(json_is_null(json_object_get(json_object_get(got, "status"), "latestVersion")));
	ck_assert(json_is_false(json_object_get(json_object_get(got, "status"), "deleted")));
	ck_assert_str_eq(
	    json_string_value(json_object_get(json_object_get(got, "metadata"), "lifecycle")),
	    "production");
	json_decref(got);
	ck_assert_int_eq(store_product_get(st, "customer", "nope", 0, &got, &rev, &err),
	                 DW_NOT_FOUND);
	ck_assert_str_eq(err.message, "product 'customer/nope' not found");
	ck_assert_int_eq(store_product_get(st, "other", "events", 0, &got, &rev, &err),
	                 DW_NOT_FOUND);
	json_decref(d);
}
END_TEST

START_TEST(test_product_soft_delete)
{
	struct store_product_filter all = {.include_deleted = 1};
	struct dw_error err = {0};
	json_t *d, *got;
	enum store_result res;
	long long rev;
	char *names;

	put_domain("customer");
	put_product("customer", "profile", NULL);
	put_product("customer", "other", NULL);
	ck_assert_int_eq(add_version("customer", "profile", "{\"a\":1}", "sha256:1", &res), 1);
	ck_assert_int_eq(add_version("customer", "profile", "{\"a\":2}", "sha256:2", &res), 2);

	ck_assert_int_eq(store_product_delete(st, "customer", "profile", 9, &err), DW_PRECONDITION);
	ck_assert_int_eq(store_product_delete(st, "customer", "profile", 1, &err), 0);
	ck_assert_int_eq(store_product_delete(st, "customer", "profile", STORE_REV_ANY, &err),
	                 DW_NOT_FOUND);
	ck_assert_str_eq(err.message, "product 'customer/profile' not found");
	ck_assert_int_eq(store_product_delete(st, "customer", "ghost", STORE_REV_ANY, &err),
	                 DW_NOT_FOUND);

	ck_assert_int_eq(store_product_get(st, "customer", "profile", 0, &got, NULL, &err),
	                 DW_NOT_FOUND);
	ck_assert_int_eq(store_product_get(st, "customer", "profile", 1, &got, &rev, &err), 0);
	ck_assert(json_is_true(json_object_get(json_object_get(got, "status"), "deleted")));
	ck_assert_int_eq(status_int(got, "versions"), 2);
	ck_assert_int_eq(rev, 2);
	json_decref(got);

	names = list_names(NULL);
	ck_assert_str_eq(names, "customer/other");
	free(names);
	names = list_names(&all);
	ck_assert_str_eq(names, "customer/other customer/profile");
	free(names);

	ck_assert_int_eq(store_version_get(st, "customer", "profile", 1, &got, &err), DW_NOT_FOUND);
	{
		struct store_version_in in = {"openapi", "application/json",
		                              "{}",      "sha256:3",
		                              "admin",   NULL,
		                              NULL,      NULL,
		                              NULL,      0,
		                              0};
		int n;
		ck_assert_int_eq(store_version_add(st, "customer", "profile", &in, &n, &res, &err),
		                 DW_NOT_FOUND);
	}

	/* a put brings it back with its history; If-None-Match: * treats it as absent */
	d = product_doc("customer", "profile", NULL);
	ck_assert_int_eq(
	    store_product_put(st, "customer", "profile", d, STORE_REV_ABSENT, &res, &rev, &err), 0);
	ck_assert_int_eq(res, STORE_UPDATED);
	ck_assert_int_eq(rev, 3);
	json_decref(d);
	ck_assert_int_eq(store_product_get(st, "customer", "profile", 0, &got, NULL, &err), 0);
	ck_assert(json_is_false(json_object_get(json_object_get(got, "status"), "deleted")));
	ck_assert_int_eq(status_int(got, "versions"), 2);
	ck_assert_int_eq(status_int(got, "latestVersion"), 2);
	json_decref(got);
	ck_assert_int_eq(add_version("customer", "profile", "{\"a\":3}", "sha256:3", &res), 3);
}
END_TEST

START_TEST(test_product_list_pages)
{
	const char *domains[] = {"alpha", "beta", "gamma"};
	struct store_page page = {50, NULL};
	struct dw_error err = {0};
	char *cursor = NULL, *next, prev[160] = "";
	int seen = 0, pages = 0, sizes[8];
	json_t *items;

	for (int d = 0; d < 3; d++)
		put_domain(domains[d]);
	ck_assert_int_eq(store_integrity_check(st, &err), 0);
	for (int i = 0; i < 120; i++) {
		char name[32];
		snprintf(name, sizeof(name), "p-%03d", (i * 37) % 120);
		put_product(domains[i % 3], name, NULL);
	}
	do {
		size_t i;
		json_t *it;
		page.cursor = cursor;
		ck_assert_msg(store_product_list(st, NULL, &page, &items, &next, &err) == 0, "%s",
		              err.message);
		json_array_foreach(items, i, it)
		{
			const json_t *m = json_object_get(it, "metadata");
			char key[160];
			snprintf(key, sizeof(key), "%s/%s",
			         json_string_value(json_object_get(m, "domain")),
			         json_string_value(json_object_get(m, "name")));
			/* strictly increasing: every item exactly once, in order */
			ck_assert_msg(strcmp(prev, key) < 0, "'%s' after '%s'", key, prev);
			snprintf(prev, sizeof(prev), "%s", key);
			ck_assert_ptr_nonnull(json_object_get(it, "status"));
			seen++;
		}
		sizes[pages] = (int)json_array_size(items);
		json_decref(items);
		free(cursor);
		cursor = next;
		pages++;
	} while (cursor && pages < 8);
	ck_assert_int_eq(pages, 3);
	ck_assert_int_eq(sizes[0], 50);
	ck_assert_int_eq(sizes[1], 50);
	ck_assert_int_eq(sizes[2], 20);
	ck_assert_int_eq(seen, 120);
	ck_assert_str_eq(prev, "gamma/p-119");

	/* the product cursor is opaque but checked */
	page.cursor = "ZDphYmM"; /* "d:abc", a domain listing's cursor */
	ck_assert_int_eq(store_product_list(st, NULL, &page, &items, &next, &err), DW_MALFORMED);
	ck_assert_str_eq(err.message, "invalid cursor");
	page.cursor = "cDphCmI="; /* padding is not part of the alphabet */
	ck_assert_int_eq(store_product_list(st, NULL, &page, &items, &next, &err), DW_MALFORMED);
	page.cursor = "cDphCmI";
	ck_assert_int_eq(store_product_list(st, NULL, &page, &items, &next, &err), 0);
	ck_assert_int_eq(json_array_size(items), 50);
	ck_assert_str_eq(json_string_value(json_object_get(
	                     json_object_get(json_array_get(items, 0), "metadata"), "domain")),
	                 "alpha");
	json_decref(items);
	free(next);
	page.limit = -1;
	ck_assert_int_eq(store_product_list(st, NULL, &page, &items, &next, &err), DW_MALFORMED);
}
END_TEST

START_TEST(test_product_filters)
{
	struct pdoc prof = {.kind = "api",
	                    .owner = "team-customer",
	                    .lifecycle = "production",
	                    .title = "Customer Profile API",
	                    .description = "Golden 100% source",
	                    .tags = {"customer", "pii"}};
	struct pdoc ev = {.kind = "topic",
	                  .owner = "team-customer",
	                  .title = "Profile changed",
	                  .description = "snake_case events",
	                  .tags = {"customer", "events"}};
	struct pdoc inv = {.kind = "table",
	                   .owner = "team-billing",
	                   .lifecycle = "deprecated",
	                   .title = "Invoices",
	                   .description = "It's the ledger; DROP it not",
	                   .tags = {"finance"}};
	struct store_product_filter f;
	struct dw_error err = {0};
	char *n;

	put_domain("customer");
	put_domain("billing");
	put_product("customer", "profile-api", &prof);
	put_product("customer", "profile-events", &ev);
	put_product("billing", "invoices", &inv);

#define EXPECT(expected)                                                                           \
	do {                                                                                       \
		n = list_names(&f);                                                                \
		ck_assert_str_eq(n, expected);                                                     \
		free(n);                                                                           \
	} while (0)

	memset(&f, 0, sizeof(f));
	EXPECT("billing/invoices customer/profile-api customer/profile-events");
	f.domain = "customer";
	EXPECT("customer/profile-api customer/profile-events");
	f.domain = "custom";
	EXPECT("");
	memset(&f, 0, sizeof(f));
	f.kind = "topic";
	EXPECT("customer/profile-events");
	memset(&f, 0, sizeof(f));
	f.owner = "team-billing";
	EXPECT("billing/invoices");
	memset(&f, 0, sizeof(f));
	f.tag = "customer";
	EXPECT("customer/profile-api customer/profile-events");
	f.tag = "pii";
	f.kind = "topic";
	EXPECT("");
	memset(&f, 0, sizeof(f));
	f.lifecycle = "experimental"; /* the default when the document says nothing */
	EXPECT("customer/profile-events");
	f.lifecycle = "deprecated";
	EXPECT("billing/invoices");

	memset(&f, 0, sizeof(f));
	f.q = "PROFILE"; /* case-insensitive, over names and titles */
	EXPECT("customer/profile-api customer/profile-events");
	f.q = "billing"; /* owner and domain */
	EXPECT("billing/invoices");
	f.q = "golden"; /* description */
	EXPECT("customer/profile-api");
	f.q = "finan"; /* a tag */
	EXPECT("billing/invoices");
	f.q = "0%"; /* '%' is literal */
	EXPECT("customer/profile-api");
	f.q = "%";
	EXPECT("customer/profile-api");
	f.q = "e_c"; /* '_' is literal: only "snake_case" has it */
	EXPECT("customer/profile-events");
	f.q = "\\";
	EXPECT("");
	f.q = "it's";
	EXPECT("billing/invoices");
	f.q = "'; DROP TABLE products; --";
	EXPECT("");
	f.q = "\"; DELETE FROM domains; --";
	EXPECT("");
	f.q = "";
	EXPECT("billing/invoices customer/profile-api customer/profile-events");
	f.q = "profile";
	f.kind = "api";
	f.owner = "team-customer";
	f.tag = "pii";
	f.lifecycle = "production";
	f.domain = "customer";
	EXPECT("customer/profile-api");
	f.domain = "'; DROP TABLE domains; --";
	EXPECT("");
#undef EXPECT
	ck_assert_int_eq(store_integrity_check(st, &err), 0);
	n = list_names(NULL);
	ck_assert_str_eq(n, "billing/invoices customer/profile-api customer/profile-events");
	free(n);
}
END_TEST

/* Field names and flows ------------------------------------------------------------------- */

/* A product consuming the providers named in consumes (NULL-terminated "d/p" refs). */
static void put_consumer(const char *domain, const char *name, const char *const *consumes)
{
	struct dw_error err = {0};
	json_t *d = product_doc(domain, name, NULL), *arr = json_array();
	enum store_result res;

	for (size_t i = 0; consumes[i]; i++)
		json_array_append_new(
		    arr, json_pack("{s:s, s:s}", "product", consumes[i], "pattern", "rest-api"));
	json_object_set_new(json_object_get(d, "spec"), "consumes", arr);
	ck_assert_msg(store_product_put(st, domain, name, d, STORE_REV_ANY, &res, NULL, &err) == 0,
	              "product put: %s", err.message);
	json_decref(d);
}

/* Adds a version whose searchable field names are the NULL-terminated names. */
static void add_version_fields(const char *domain, const char *product, const char *fp,
                               const char *const *names)
{
	json_t *fields = json_array();
	struct store_version_in in = {"jsonschema",
	                              "application/schema+json",
	                              "{}",
	                              fp,
	                              "ci",
	                              NULL,
	                              fields,
	                              NULL,
	                              NULL,
	                              0,
	                              0};
	struct dw_error err = {0};
	enum store_result res;
	int n;

	for (size_t i = 0; names[i]; i++)
		json_array_append_new(fields, json_string(names[i]));
	ck_assert_msg(store_version_add(st, domain, product, &in, &n, &res, &err) == 0,
	              "version add: %s", err.message);
	json_decref(fields);
}

START_TEST(test_search_field_names)
{
	static const char *const v1[] = {"loyaltyTier", "email", NULL};
	static const char *const v2[] = {"email", "phone_number", NULL};
	struct store_product_filter f = {0};
	char *n;

	put_domain("customer");
	put_product("customer", "profile", NULL);
	put_product("customer", "other", NULL);
	f.q = "LOYALTYtier"; /* case-insensitive */
	n = list_names(&f);
	ck_assert_str_eq(n, "");
	free(n);
	add_version_fields("customer", "profile", "sha256:f1", v1);
	n = list_names(&f);
	ck_assert_str_eq(n, "customer/profile");
	free(n);
	/* Only the latest contract's fields count: v2 dropped loyaltyTier. */
	add_version_fields("customer", "profile", "sha256:f2", v2);
	n = list_names(&f);
	ck_assert_str_eq(n, "");
	free(n);
	f.q = "e_n"; /* '_' literal: matches phone_number only */
	n = list_names(&f);
	ck_assert_str_eq(n, "customer/profile");
	free(n);
	/* Registering a contract equal to v1 again answers v1 and leaves the fields alone. */
	add_version_fields("customer", "profile", "sha256:f1", v1);
	f.q = "loyalty";
	n = list_names(&f);
	ck_assert_str_eq(n, "");
	free(n);
	/* Deleted products are not found by their fields. */
	f.q = "phone";
	ck_assert_int_eq(store_product_delete(st, "customer", "profile", STORE_REV_ANY, NULL), 0);
	n = list_names(&f);
	ck_assert_str_eq(n, "");
	free(n);
}
END_TEST

START_TEST(test_filter_consumes)
{
	static const char *const a[] = {"customer/profile", "billing/ledger", NULL};
	static const char *const b[] = {"customer/events", NULL};
	static const char *const none[] = {NULL};
	struct store_product_filter f = {0};
	char *n;

	put_domain("customer");
	put_domain("support");
	put_domain("billing");
	put_consumer("support", "console", a);
	put_consumer("billing", "sync", b);
	put_consumer("billing", "ledger", none);

	f.consumes = "customer/profile";
	n = list_names(&f);
	ck_assert_str_eq(n, "support/console");
	free(n);
	f.consumes = "customer"; /* anything of the domain */
	n = list_names(&f);
	ck_assert_str_eq(n, "billing/sync support/console");
	free(n);
	f.consumes = "billing/ledger";
	f.q = "console";
	n = list_names(&f);
	ck_assert_str_eq(n, "support/console");
	free(n);
	f.consumes = "custom";
	f.q = NULL;
	n = list_names(&f);
	ck_assert_str_eq(n, "");
	free(n);
	/* Replacing a product replaces its flows. */
	put_consumer("support", "console", b);
	f.consumes = "customer/profile";
	n = list_names(&f);
	ck_assert_str_eq(n, "");
	free(n);
	f.consumes = "customer/events";
	n = list_names(&f);
	ck_assert_str_eq(n, "billing/sync support/console");
	free(n);
}
END_TEST

START_TEST(test_stats)
{
	static const char *const fields[] = {"id", NULL};
	struct pdoc topic = {.kind = "topic"};
	struct dw_error err = {0};
	json_t *s = NULL, *recent, *dom;

	ck_assert_int_eq(store_stats(st, 5, &s, &err), 0);
	ck_assert_int_eq(json_integer_value(json_object_get(s, "domains")), 0);
	ck_assert_int_eq(json_array_size(json_object_get(s, "recent")), 0);
	json_decref(s);

	put_domain("customer");
	put_domain("billing");
	put_product("customer", "profile", NULL);
	put_product("customer", "events", &topic);
	put_product("billing", "gone", NULL);
	add_version_fields("customer", "profile", "sha256:s1", fields);
	add_version_fields("customer", "events", "sha256:s2", fields);
	add_version_fields("customer", "profile", "sha256:s3", fields);
	add_version_fields("billing", "gone", "sha256:s4", fields);
	ck_assert_int_eq(store_product_delete(st, "billing", "gone", STORE_REV_ANY, NULL), 0);

	ck_assert_int_eq(store_stats(st, 2, &s, &err), 0);
	ck_assert_int_eq(json_integer_value(json_object_get(s, "domains")), 2);
	ck_assert_int_eq(json_integer_value(json_object_get(s, "products")), 2);
	ck_assert_int_eq(json_integer_value(json_object_get(s, "versions")), 3);
	ck_assert_int_eq(json_integer_value(json_object_get(json_object_get(s, "kinds"), "api")),
	                 1);
	ck_assert_int_eq(json_integer_value(json_object_get(json_object_get(s, "kinds"), "topic")),
	                 1);
	dom = json_object_get(s, "byDomain");
	ck_assert_uint_eq(json_array_size(dom), 2);
	ck_assert_str_eq(json_string_value(json_object_get(json_array_get(dom, 0), "name")),
	                 "billing");
	ck_assert_int_eq(json_integer_value(json_object_get(json_array_get(dom, 0), "products")),
	                 0);
	ck_assert_str_eq(json_string_value(json_object_get(json_array_get(dom, 1), "title")),
	                 "A domain");
	ck_assert_int_eq(json_integer_value(json_object_get(json_array_get(dom, 1), "products")),
	                 2);
	/* newest first, deleted products left out */
	recent = json_object_get(s, "recent");
	ck_assert_uint_eq(json_array_size(recent), 2);
	ck_assert_str_eq(json_string_value(json_object_get(json_array_get(recent, 0), "product")),
	                 "customer/profile");
	ck_assert_int_eq(json_integer_value(json_object_get(json_array_get(recent, 0), "version")),
	                 2);
	ck_assert_str_eq(json_string_value(json_object_get(json_array_get(recent, 1), "product")),
	                 "customer/events");
	json_decref(s);

	ck_assert_int_eq(store_stats(st, STORE_STATS_RECENT_MAX + 1, &s, &err), DW_MALFORMED);
	ck_assert_ptr_null(s);
	ck_assert_int_eq(store_stats(st, -1, &s, &err), DW_MALFORMED);
}
END_TEST

/* A database of schema version 1 (made with the sqlite3 program from a current one) gets its
 * flows and field names filled in when the store migrates it to version 2. */
START_TEST(test_migration_2_fills_tables)
{
	static const char *const consumes[] = {"customer/profile", NULL};
	const char *contract = "{\"openapi\":\"3.1.0\",\"info\":{\"title\":\"x\","
	                       "\"version\":\"1\"},\"paths\":{},\"components\":{\"schemas\":"
	                       "{\"P\":{\"properties\":{\"loyaltyTier\":{}}}}}}";
	struct store_product_filter f = {0};
	char cmd[1024];
	char *n;

	put_domain("customer");
	put_domain("support");
	put_product("customer", "profile", NULL);
	put_consumer("support", "console", consumes);
	add_version("customer", "profile", contract, "sha256:m1", NULL);
	store_close(st);
	st = NULL;
	snprintf(cmd, sizeof(cmd),
	         "sqlite3 '%s' 'DROP TABLE product_fields;"
	         " DROP TABLE flows; DROP TABLE config; DROP TABLE schema_ids;"
	         " DROP TABLE versions_hidden; DROP TABLE subjects; DROP TABLE version_floor;"
	         " DROP INDEX versions_fingerprint; DROP INDEX products_topic;"
	         " DROP INDEX versions_product_fingerprint; DROP TABLE changes;"
	         " DROP TABLE schema_texts; DROP INDEX products_subject;"
	         " PRAGMA user_version = 1;'",
	         db_path);
	/* The sqlite3 program (scripts/install-deps.sh installs it) turns it into a v1 database. */
	ck_assert_msg(system(cmd) == 0, "cannot run: %s", cmd);
	ck_assert_uint_eq(header_u32(db_path, 60), 1);
	reopen();
	f.q = "loyaltytier";
	n = list_names(&f);
	ck_assert_str_eq(n, "customer/profile");
	free(n);
	f.q = NULL;
	f.consumes = "customer/profile";
	n = list_names(&f);
	ck_assert_str_eq(n, "support/console");
	free(n);
}
END_TEST

/* A database whose objects were written before the change history existed gets one history
 * row for each of them (by whom when known, at its time, with its fingerprint), and no second
 * one when the migration's rows are there. */
START_TEST(test_migration_7_backfills_history)
{
	struct dw_error err = {0};
	json_t *items = NULL, *it;
	char cmd[512], *next = NULL;
	struct store_page page = {.limit = 100};
	size_t i, domains = 0, products = 0, versions = 0, deletes = 0;

	put_domain("customer");
	put_product("customer", "profile", NULL);
	put_product("customer", "gone", NULL);
	add_version("customer", "profile", "{\"openapi\":\"3.1.0\"}", "sha256:b1", NULL);
	ck_assert_int_eq(store_product_delete(st, "customer", "gone", STORE_REV_ANY, &err), 0);
	store_close(st);
	st = NULL;
	/* back to a version 6 database whose history lost every row: what a database written
	 * before the history existed looks like to migration 7 */
	snprintf(cmd, sizeof(cmd),
	         "sqlite3 '%s' 'DROP TRIGGER changes_no_delete; DELETE FROM changes;"
	         " DROP TABLE schema_texts; DROP INDEX products_subject;"
	         " PRAGMA user_version = 6;'",
	         db_path);
	ck_assert_msg(system(cmd) == 0, "cannot run: %s", cmd);
	reopen();
	ck_assert_int_eq(store_change_list(st, 0, 0, &page, &items, &next, &err), 0);
	json_array_foreach(items, i, it)
	{
		const char *action = json_string_value(json_object_get(it, "action"));
		const char *res = json_string_value(json_object_get(it, "resource"));

		ck_assert_str_eq(json_string_value(json_object_get(it, "scope")), "before-history");
		ck_assert_ptr_nonnull(json_string_value(json_object_get(it, "at")));
		if (strcmp(action, "domain.put") == 0) {
			domains++;
			ck_assert_str_eq(res, "/domains/customer");
			ck_assert_ptr_nonnull(json_string_value(json_object_get(it, "after")));
		} else if (strcmp(action, "product.put") == 0) {
			products++;
		} else if (strcmp(action, "product.delete") == 0) {
			deletes++;
			ck_assert_str_eq(res, "/domains/customer/products/gone");
		} else if (strcmp(action, "version.add") == 0) {
			versions++;
			ck_assert_str_eq(res, "/domains/customer/products/profile/versions/1");
			ck_assert_str_eq(json_string_value(json_object_get(it, "after")),
			                 "sha256:b1");
			ck_assert_str_ne(json_string_value(json_object_get(it, "who")), "unknown");
		}
	}
	ck_assert_uint_eq(domains, 1);
	ck_assert_uint_eq(products, 2);
	ck_assert_uint_eq(deletes, 1);
	ck_assert_uint_eq(versions, 1);
	ck_assert_uint_eq(json_array_size(items), 5);
	json_decref(items);
	free(next);
	/* reopening migrates nothing more */
	reopen();
	ck_assert_int_eq(store_change_list(st, 0, 0, &page, &items, &next, &err), 0);
	ck_assert_uint_eq(json_array_size(items), 5);
	json_decref(items);
	free(next);
}
END_TEST

/* Versions -------------------------------------------------------------------------------- */

START_TEST(test_versions)
{
	const char *contract = "{\"openapi\":\"3.1.0\",\"info\":{\"title\":\"x\"},\"paths\":{}}";
	struct store_version_in in = {"openapi", "application/vnd.oai.openapi+json",
	                              contract,  "sha256:aaaa",
	                              "ci",      NULL,
	                              NULL,      NULL,
	                              NULL,      0,
	                              0};
	struct dw_error err = {0};
	enum store_result res = 0;
	char *text, *media;
	json_t *v, *changes = json_pack("[{s:s}]", "rule", "path-added");
	int n = 0;

	put_domain("customer");
	ck_assert_int_eq(store_version_add(st, "customer", "api", &in, &n, &res, &err),
	                 DW_NOT_FOUND);
	ck_assert_str_eq(err.message, "product 'customer/api' not found");
	put_product("customer", "api", NULL);
	ck_assert_int_eq(store_version_get(st, "customer", "api", 0, &v, &err), DW_NOT_FOUND);
	ck_assert_str_eq(err.message, "product 'customer/api' has no versions");

	ck_assert_int_eq(store_version_add(st, "customer", "api", &in, &n, &res, &err), 0);
	ck_assert_int_eq(n, 1);
	ck_assert_int_eq(res, STORE_CREATED);
	ck_assert_int_eq(store_version_add(st, "customer", "api", &in, &n, &res, &err), 0);
	ck_assert_int_eq(n, 1);
	ck_assert_int_eq(res, STORE_UNCHANGED);
	in.fingerprint = "sha256:bbbb";
	in.contract = "{\"v\":2}";
	in.changes = changes;
	ck_assert_int_eq(store_version_add(st, "customer", "api", &in, &n, &res, &err), 0);
	ck_assert_int_eq(n, 2);
	ck_assert_int_eq(res, STORE_CREATED);
	/* registering version 1's contract again returns version 1, not a new one */
	in.fingerprint = "sha256:aaaa";
	in.contract = "{\"v\":\"anything\"}";
	ck_assert_int_eq(store_version_add(st, "customer", "api", &in, &n, &res, &err), 0);
	ck_assert_int_eq(n, 1);
	ck_assert_int_eq(res, STORE_UNCHANGED);

	ck_assert_int_eq(store_version_get(st, "customer", "api", 0, &v, &err), 0);
	ck_assert_int_eq(json_integer_value(json_object_get(v, "version")), 2);
	ck_assert_str_eq(json_string_value(json_object_get(v, "product")), "customer/api");
	ck_assert_str_eq(json_string_value(json_object_get(v, "fingerprint")), "sha256:bbbb");
	ck_assert(json_equal(json_object_get(v, "changes"), changes));
	json_decref(v);
	ck_assert_int_eq(store_version_get(st, "customer", "api", 1, &v, &err), 0);
	ck_assert_int_eq(json_integer_value(json_object_get(v, "version")), 1);
	ck_assert_str_eq(json_string_value(json_object_get(v, "format")), "openapi");
	ck_assert_str_eq(json_string_value(json_object_get(v, "mediaType")),
	                 "application/vnd.oai.openapi+json");
	ck_assert_str_eq(json_string_value(json_object_get(v, "createdBy")), "ci");
	ck_assert(is_rfc3339(json_string_value(json_object_get(v, "createdAt"))));
	ck_assert(json_is_null(json_object_get(v, "changes")));
	json_decref(v);
	ck_assert_int_eq(store_version_get(st, "customer", "api", 3, &v, &err), DW_NOT_FOUND);
	ck_assert_str_eq(err.message, "version 3 of product 'customer/api' not found");
	ck_assert_int_eq(store_version_get(st, "customer", "api", -1, &v, &err), DW_NOT_FOUND);

	ck_assert_int_eq(store_version_contract(st, "customer", "api", 1, &text, &media, &err), 0);
	ck_assert_str_eq(text, contract);
	ck_assert_str_eq(media, "application/vnd.oai.openapi+json");
	free(text);
	free(media);
	ck_assert_int_eq(store_version_contract(st, "customer", "api", 0, &text, &media, &err), 0);
	ck_assert_str_eq(text, "{\"v\":2}");
	free(text);
	free(media);
	ck_assert_int_eq(store_version_contract(st, "customer", "api", 9, &text, &media, &err),
	                 DW_NOT_FOUND);
	ck_assert_ptr_null(text);
	ck_assert_int_eq(store_version_contract(st, "nope", "api", 1, &text, &media, &err),
	                 DW_NOT_FOUND);

	/* the product's status follows */
	ck_assert_int_eq(store_product_get(st, "customer", "api", 0, &v, NULL, &err), 0);
	ck_assert_int_eq(status_int(v, "versions"), 2);
	ck_assert_int_eq(status_int(v, "latestVersion"), 2);
	json_decref(v);

	in.format = NULL;
	ck_assert_int_eq(store_version_add(st, "customer", "api", &in, &n, &res, &err), DW_INVALID);
	json_decref(changes);
}
END_TEST

START_TEST(test_version_numbering_and_list)
{
	struct store_page page = {2, NULL};
	struct dw_error err = {0};
	enum store_result res;
	char *cursor = NULL, *next;
	int expect = 1, pages = 0;
	json_t *items;

	put_domain("d");
	put_product("d", "a", NULL);
	put_product("d", "b", NULL);
	for (int i = 1; i <= 5; i++) {
		char c[32], fp[32];
		snprintf(c, sizeof(c), "{\"n\":%d}", i);
		snprintf(fp, sizeof(fp), "sha256:%d", i);
		ck_assert_int_eq(add_version("d", "a", c, fp, &res), i);
		ck_assert_int_eq(res, STORE_CREATED);
	}
	/* numbering is per product; fingerprints are unique per product only */
	ck_assert_int_eq(add_version("d", "b", "{\"n\":1}", "sha256:1", &res), 1);
	ck_assert_int_eq(res, STORE_CREATED);

	do {
		size_t i;
		json_t *it;
		page.cursor = cursor;
		ck_assert_msg(store_version_list(st, "d", "a", &page, &items, &next, &err) == 0,
		              "%s", err.message);
		json_array_foreach(items, i, it)
		    ck_assert_int_eq(json_integer_value(json_object_get(it, "version")), expect++);
		json_decref(items);
		free(cursor);
		cursor = next;
		pages++;
	} while (cursor && pages < 10);
	ck_assert_int_eq(pages, 3);
	ck_assert_int_eq(expect, 6);

	page.cursor = "djow"; /* "v:0" */
	ck_assert_int_eq(store_version_list(st, "d", "a", &page, &items, &next, &err),
	                 DW_MALFORMED);
	page.cursor = "djp4"; /* "v:x" */
	ck_assert_int_eq(store_version_list(st, "d", "a", &page, &items, &next, &err),
	                 DW_MALFORMED);
	page.cursor = NULL;
	ck_assert_int_eq(store_version_list(st, "d", "zz", &page, &items, &next, &err),
	                 DW_NOT_FOUND);
	page.limit = 600;
	ck_assert_int_eq(store_version_list(st, "d", "a", &page, &items, &next, &err),
	                 DW_MALFORMED);
}
END_TEST

/* Tokens ---------------------------------------------------------------------------------- */

#define HASH_A "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
#define HASH_B "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"
#define HASH_C "cccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccc"
#define HASH_D "dddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddd"

START_TEST(test_tokens)
{
	struct dw_error err = {0};
	long long id_admin, id_ci, id_old, id, n = -1;
	json_t *t, *items;

	ck_assert_int_eq(store_token_count(st, &n, &err), 0);
	ck_assert_int_eq(n, 0);
	ck_assert_int_eq(store_token_add(st, "admin", "admin", HASH_A, 0, &id_admin, &err), 0);
	ck_assert_int_eq(
	    store_token_add(st, "ci", "customer", HASH_B, time(NULL) + 3600, &id_ci, &err), 0);
	ck_assert_int_ne(id_admin, id_ci);
	ck_assert_int_eq(store_token_add(st, "ci", "customer", HASH_C, 0, &id, &err), DW_CONFLICT);
	ck_assert_str_eq(err.message, "token 'ci' already exists in scope 'customer'");
	ck_assert_int_eq(store_token_add(st, "other", "customer", HASH_B, 0, &id, &err),
	                 DW_CONFLICT);
	ck_assert_int_eq(
	    store_token_add(st, "old", "billing", HASH_C, time(NULL) - 10, &id_old, &err), 0);

	ck_assert_int_eq(store_token_lookup(st, HASH_B, &t, &err), 0);
	ck_assert_int_eq(json_integer_value(json_object_get(t, "id")), id_ci);
	ck_assert_str_eq(json_string_value(json_object_get(t, "name")), "ci");
	ck_assert_str_eq(json_string_value(json_object_get(t, "scope")), "customer");
	ck_assert(is_rfc3339(json_string_value(json_object_get(t, "expiresAt"))));
	ck_assert(is_rfc3339(json_string_value(json_object_get(t, "lastUsedAt"))));
	ck_assert(json_is_null(json_object_get(t, "revokedAt")));
	json_decref(t);
	ck_assert_int_eq(store_token_lookup(st, HASH_D, &t, &err), DW_NOT_FOUND);
	ck_assert_ptr_null(t);
	ck_assert_int_eq(store_token_lookup(st, HASH_A "0", &t, &err), DW_NOT_FOUND);
	/* expired tokens do not authenticate, and do not hold their name */
	ck_assert_int_eq(store_token_lookup(st, HASH_C, &t, &err), DW_NOT_FOUND);
	ck_assert_int_eq(store_token_add(st, "old", "billing", HASH_D, 0, &id, &err), 0);

	/* the use was recorded */
	ck_assert_int_eq(store_token_list(st, "customer", &items, &err), 0);
	ck_assert_int_eq(json_array_size(items), 1);
	ck_assert(
	    is_rfc3339(json_string_value(json_object_get(json_array_get(items, 0), "lastUsedAt"))));
	ck_assert_ptr_null(json_object_get(json_array_get(items, 0), "token"));
	json_decref(items);
	ck_assert_int_eq(store_token_list(st, "billing", &items, &err), 0);
	ck_assert_int_eq(json_array_size(items), 2);
	ck_assert(json_is_null(json_object_get(json_array_get(items, 1), "expiresAt")));
	json_decref(items);
	ck_assert_int_eq(store_token_list(st, NULL, &items, &err), 0);
	ck_assert_int_eq(json_array_size(items), 4);
	ck_assert_int_eq(json_integer_value(json_object_get(json_array_get(items, 0), "id")),
	                 id_admin);
	json_decref(items);
	ck_assert_int_eq(store_token_list(st, "nobody", &items, &err), 0);
	ck_assert_int_eq(json_array_size(items), 0);
	json_decref(items);

	ck_assert_int_eq(store_token_revoke(st, "billing", id_ci, &err), DW_NOT_FOUND);
	ck_assert_int_eq(store_token_revoke(st, "customer", 9999, &err), DW_NOT_FOUND);
	ck_assert_int_eq(store_token_revoke(st, "customer", id_ci, &err), 0);
	ck_assert_int_eq(store_token_revoke(st, "customer", id_ci, &err), DW_NOT_FOUND);
	ck_assert_msg(strstr(err.message, "not found in scope 'customer'") != NULL, "%s",
	              err.message);
	ck_assert_int_eq(store_token_lookup(st, HASH_B, &t, &err), DW_NOT_FOUND);
	ck_assert_int_eq(store_token_revoke(st, "billing", id_old, &err), 0); /* expired: fine */
	ck_assert_int_eq(store_token_list(st, "customer", &items, &err), 0);
	ck_assert(
	    is_rfc3339(json_string_value(json_object_get(json_array_get(items, 0), "revokedAt"))));
	json_decref(items);
	/* a revoked token's name is free again */
	ck_assert_int_eq(store_token_add(st, "ci", "customer", "e" HASH_A, 0, &id, &err), 0);

	ck_assert_int_eq(store_token_count(st, &n, &err), 0);
	ck_assert_int_eq(n, 5);
	ck_assert_int_eq(store_token_lookup(st, HASH_A, &t, &err), 0);
	json_decref(t);
	ck_assert_int_eq(store_token_add(st, "", "admin", HASH_D, 0, &id, &err), DW_INVALID);
}
END_TEST

/* Durability, threads, read-only ---------------------------------------------------------- */

START_TEST(test_reopen_finds_everything)
{
	struct dw_error err = {0};
	enum store_result res;
	json_t *got, *items;
	char *text, *media;
	long long rev, n;

	put_domain("customer");
	put_product("customer", "profile", NULL);
	put_product("customer", "gone", NULL);
	ck_assert_int_eq(store_product_delete(st, "customer", "gone", STORE_REV_ANY, &err), 0);
	add_version("customer", "profile", "{\"x\":1}", "sha256:x", &res);
	ck_assert_int_eq(store_token_add(st, "admin", "admin", HASH_A, 0, NULL, &err), 0);
	reopen();

	ck_assert_int_eq(store_domain_get(st, "customer", &got, &rev, &err), 0);
	ck_assert_int_eq(status_int(got, "products"), 1);
	json_decref(got);
	ck_assert_int_eq(store_product_get(st, "customer", "profile", 0, &got, &rev, &err), 0);
	ck_assert_int_eq(status_int(got, "latestVersion"), 1);
	json_decref(got);
	ck_assert_int_eq(store_product_get(st, "customer", "gone", 0, &got, &rev, &err),
	                 DW_NOT_FOUND);
	ck_assert_int_eq(store_product_get(st, "customer", "gone", 1, &got, &rev, &err), 0);
	ck_assert_int_eq(rev, 2);
	json_decref(got);
	ck_assert_int_eq(store_version_contract(st, "customer", "profile", 1, &text, &media, &err),
	                 0);
	ck_assert_str_eq(text, "{\"x\":1}");
	free(text);
	free(media);
	ck_assert_int_eq(store_token_count(st, &n, &err), 0);
	ck_assert_int_eq(n, 1);
	ck_assert_int_eq(store_token_list(st, NULL, &items, &err), 0);
	ck_assert_int_eq(json_array_size(items), 1);
	json_decref(items);
	ck_assert_int_eq(store_integrity_check(st, &err), 0);
}
END_TEST

#define THREADS 4
#define PER_THREAD 25

static void *writer(void *arg)
{
	long t = (long)arg;
	long failures = 0;

	for (int i = 0; i < PER_THREAD; i++) {
		struct store_version_in in = {"avro",    "application/vnd.apache.avro+json",
		                              "\"int\"", "sha256:int",
		                              "ci",      NULL,
		                              NULL,      NULL,
		                              NULL,      0,
		                              0};
		struct dw_error err = {0};
		char name[32];
		json_t *doc, *got;
		enum store_result res;
		long long rev;
		int n;

		snprintf(name, sizeof(name), "t%ld-p%02d", t, i);
		doc = product_doc("shared", name, NULL);
		if (store_product_put(st, "shared", name, doc, STORE_REV_ABSENT, &res, &rev,
		                      &err) ||
		    res != STORE_CREATED)
			failures++;
		json_decref(doc);
		if (store_version_add(st, "shared", name, &in, &n, &res, &err) || n != 1)
			failures++;
		if (store_product_get(st, "shared", name, 0, &got, NULL, &err))
			failures++;
		else
			json_decref(got);
		if (failures)
			fprintf(stderr, "writer %ld: %s\n", t, err.message);
	}
	return (void *)failures;
}

START_TEST(test_concurrent_writers)
{
	struct store_product_filter f = {.domain = "shared"};
	struct store_page page = {500, NULL};
	struct dw_error err = {0};
	pthread_t th[THREADS];
	json_t *items, *got;
	char *next;

	put_domain("shared");
	for (long t = 0; t < THREADS; t++)
		ck_assert_int_eq(pthread_create(&th[t], NULL, writer, (void *)t), 0);
	for (int t = 0; t < THREADS; t++) {
		void *failures;
		ck_assert_int_eq(pthread_join(th[t], &failures), 0);
		ck_assert_int_eq((long)failures, 0);
	}
	ck_assert_int_eq(store_product_list(st, &f, &page, &items, &next, &err), 0);
	ck_assert_int_eq(json_array_size(items), THREADS * PER_THREAD);
	json_decref(items);
	ck_assert_int_eq(store_domain_get(st, "shared", &got, NULL, &err), 0);
	ck_assert_int_eq(status_int(got, "products"), THREADS * PER_THREAD);
	json_decref(got);
	ck_assert_int_eq(store_integrity_check(st, &err), 0);
	/* the exited threads' connections are closed; the store still closes cleanly */
	reopen();
	ck_assert_int_eq(store_integrity_check(st, &err), 0);
}
END_TEST

static void check_read_only(struct store *ro)
{
	struct store_version_in in = {
	    "openapi", "application/json", "{}", "sha256:new", "ci", NULL, NULL, NULL, NULL, 0, 0};
	struct dw_error err = {0};
	json_t *got, *d = domain_doc("customer", "Changed"), *items, *p;
	enum store_result res;
	long long id;
	char *next;
	int n;

	/* reads work */
	ck_assert_int_eq(store_domain_get(ro, "customer", &got, NULL, &err), 0);
	json_decref(got);
	ck_assert_int_eq(store_product_list(ro, NULL, NULL, &items, &next, &err), 0);
	ck_assert_int_eq(json_array_size(items), 1);
	json_decref(items);
	ck_assert_int_eq(store_token_lookup(ro, HASH_A, &got, &err), 0);
	json_decref(got);
	/* writes are unavailable, with a clear message */
	ck_assert_int_eq(store_domain_put(ro, "customer", d, STORE_REV_ANY, &res, NULL, &err),
	                 DW_UNAVAILABLE);
	ck_assert_msg(strstr(err.message, "store unavailable: ") == err.message, "%s", err.message);
	p = product_doc("customer", "new", NULL);
	ck_assert_int_eq(
	    store_product_put(ro, "customer", "new", p, STORE_REV_ANY, &res, NULL, &err),
	    DW_UNAVAILABLE);
	json_decref(p);
	ck_assert_int_eq(store_version_add(ro, "customer", "profile", &in, &n, &res, &err),
	                 DW_UNAVAILABLE);
	ck_assert_int_eq(store_token_add(ro, "x", "admin", HASH_D, 0, &id, &err), DW_UNAVAILABLE);
	ck_assert_int_eq(store_product_delete(ro, "customer", "profile", STORE_REV_ANY, &err),
	                 DW_UNAVAILABLE);
	/* and nothing changed */
	ck_assert_int_eq(store_domain_get(ro, "customer", &got, NULL, &err), 0);
	ck_assert_int_eq(status_int(got, "revision"), 1);
	json_decref(got);
	json_decref(d);
}

START_TEST(test_read_only_database)
{
	struct dw_error err = {0};
	struct store *ro = NULL;
	enum store_result res;
	char uri[320];

	put_domain("customer");
	put_product("customer", "profile", NULL);
	add_version("customer", "profile", "{}", "sha256:0", &res);
	ck_assert_int_eq(store_token_add(st, "admin", "admin", HASH_A, 0, NULL, &err), 0);
	store_close(st);
	st = NULL;

	snprintf(uri, sizeof(uri), "file:%s?mode=ro", db_path);
	ck_assert_msg(store_open(uri, &ro, &err) == 0, "%s", err.message);
	check_read_only(ro);
	store_close(ro);

	/* a write-protected file, when the permission bits bind us (not as root) */
	ck_assert_int_eq(chmod(db_path, 0444), 0);
	if (access(db_path, W_OK) != 0) {
		ck_assert_msg(store_open(db_path, &ro, &err) == 0, "%s", err.message);
		check_read_only(ro);
		store_close(ro);
	}
	ck_assert_int_eq(chmod(db_path, 0644), 0);
	ck_assert_int_eq(store_open(db_path, &st, &err), 0);
	ck_assert_int_eq(store_integrity_check(st, &err), 0);
}
END_TEST

START_TEST(test_documents_are_checked)
{
	struct dw_error err = {0};
	json_t *arr = json_array();
	enum store_result res;
	long long rev;

	ck_assert_int_eq(store_domain_put(st, "x", arr, STORE_REV_ANY, &res, &rev, &err),
	                 DW_INVALID);
	ck_assert_int_eq(store_domain_put(st, "x", NULL, STORE_REV_ANY, &res, &rev, &err),
	                 DW_INVALID);
	put_domain("x");
	ck_assert_int_eq(store_product_put(st, "x", "y", arr, STORE_REV_ANY, &res, &rev, &err),
	                 DW_INVALID);
	json_decref(arr);
	ck_assert_int_eq(store_integrity_check(st, &err), 0);
}
END_TEST

/* Flows, configuration, contracts for compatibility checks -------------------------------- */

/* "consumer->provider:pattern" of each flow of a listing, joined by spaces. */
static char *flow_names(const struct store_flow_filter *f, const struct store_page *page,
                        char **next)
{
	struct dw_error err = {0};
	json_t *items = NULL, *it;
	char buf[1024] = "", *nx = NULL;
	size_t i, len = 0;

	ck_assert_msg(store_flow_list(st, f, page, &items, &nx, &err) == 0, "flow list: %s",
	              err.message);
	json_array_foreach(items, i, it)
	{
		json_t *reg = json_object_get(it, "providerRegistered");
		const char *mark = json_is_true(reg) ? "" : "?";
		int n = snprintf(buf + len, sizeof(buf) - len, "%s%s->%s:%s%s", len ? " " : "",
		                 json_string_value(json_object_get(it, "consumer")),
		                 json_string_value(json_object_get(it, "provider")),
		                 json_string_value(json_object_get(it, "pattern")), mark);
		if (n > 0 && (size_t)n < sizeof(buf) - len)
			len += (size_t)n;
	}
	json_decref(items);
	if (next)
		*next = nx;
	else
		free(nx);
	return strdup(buf);
}

#define EXPECT_FLOWS(filter, want)                                                                 \
	do {                                                                                       \
		char *have_ = flow_names(filter, NULL, NULL);                                      \
		ck_assert_str_eq(have_, want);                                                     \
		free(have_);                                                                       \
	} while (0)

START_TEST(test_flows_follow_products)
{
	static const char *const two[] = {"customer/profile", "identity/users", NULL};
	static const char *const one[] = {"identity/users", NULL};
	struct store_flow_filter f = {0};
	struct store_page page = {.limit = 1};
	struct dw_error err = {0};
	json_t *items = NULL, *flow = NULL;
	char *names, *next = NULL;
	long long users_id;

	put_domain("customer");
	put_domain("support");
	put_product("customer", "profile", NULL);
	put_consumer("support", "console", two);
	EXPECT_FLOWS(&f, "support/console->customer/profile:rest-api "
	                 "support/console->identity/users:rest-api?");
	f.provider = "customer/profile";
	EXPECT_FLOWS(&f, "support/console->customer/profile:rest-api");
	f.provider = NULL;
	f.consumer = "support/console";
	f.pattern = "cdc";
	EXPECT_FLOWS(&f, "");
	f.consumer = NULL;
	f.pattern = NULL;

	/* pages by id */
	names = flow_names(&f, &page, &next);
	ck_assert_str_eq(names, "support/console->customer/profile:rest-api");
	free(names);
	ck_assert_ptr_nonnull(next);
	page.cursor = next;
	names = flow_names(&f, &page, NULL);
	ck_assert_str_eq(names, "support/console->identity/users:rest-api?");
	free(names);
	free(next);
	page.cursor = "bogus";
	ck_assert_int_eq(store_flow_list(st, &f, &page, &items, &next, &err), DW_MALFORMED);
	f.provider = "no-slash";
	ck_assert_int_eq(store_flow_list(st, &f, NULL, &items, &next, &err), DW_MALFORMED);
	f.provider = NULL;

	/* all of a provider's flows, and one by id */
	ck_assert_int_eq(store_flow_consumers(st, "identity", "users", &items, &err), 0);
	ck_assert_int_eq(json_array_size(items), 1);
	users_id = json_integer_value(json_object_get(json_array_get(items, 0), "id"));
	json_decref(items);
	ck_assert_int_eq(store_flow_get(st, users_id, &flow, &err), 0);
	ck_assert_str_eq(json_string_value(json_object_get(flow, "provider")), "identity/users");
	ck_assert_ptr_null(json_object_get(flow, "product"));
	json_decref(flow);
	ck_assert_int_eq(store_flow_get(st, 424242, &flow, &err), DW_NOT_FOUND);

	/* a re-put replaces the consumer's flows; a flow that stays keeps its id */
	put_consumer("support", "console", one);
	EXPECT_FLOWS(&f, "support/console->identity/users:rest-api?");
	ck_assert_int_eq(store_flow_consumers(st, "identity", "users", &items, &err), 0);
	ck_assert_int_eq(json_integer_value(json_object_get(json_array_get(items, 0), "id")),
	                 users_id);
	json_decref(items);

	/* registering the provider flips providerRegistered */
	put_domain("identity");
	put_product("identity", "users", NULL);
	EXPECT_FLOWS(&f, "support/console->identity/users:rest-api");

	/* a deleted consumer consumes nothing; reviving it restores its flows */
	ck_assert_int_eq(store_product_delete(st, "support", "console", STORE_REV_ANY, &err), 0);
	EXPECT_FLOWS(&f, "");
	put_consumer("support", "console", one);
	EXPECT_FLOWS(&f, "support/console->identity/users:rest-api");
}
END_TEST

START_TEST(test_config)
{
	struct dw_error err = {0};
	char *v = NULL;

	ck_assert_int_eq(store_config_get(st, "compatibility", &v, &err), DW_NOT_FOUND);
	ck_assert_ptr_null(v);
	ck_assert_int_eq(store_config_put(st, "compatibility", "FULL", &err), 0);
	ck_assert_int_eq(store_config_put(st, "compatibility", "NONE", &err), 0);
	reopen();
	ck_assert_int_eq(store_config_get(st, "compatibility", &v, &err), 0);
	ck_assert_str_eq(v, "NONE");
	free(v);
	ck_assert_int_eq(store_config_put(st, "", "x", &err), DW_INVALID);
}
END_TEST

START_TEST(test_version_contracts)
{
	struct dw_error err = {0};
	struct store_contract *list = NULL;
	enum store_result res;
	size_t n = 9;
	int number = 0;

	put_domain("customer");
	put_product("customer", "api", NULL);
	ck_assert_int_eq(store_version_contracts(st, "customer", "api", 0, &list, &n, &err), 0);
	ck_assert_uint_eq(n, 0);
	ck_assert_ptr_null(list);
	ck_assert_int_eq(add_version("customer", "api", "{\"v\":1}", "sha256:c1", NULL), 1);
	ck_assert_int_eq(add_version("customer", "api", "{\"v\":2}", "sha256:c2", NULL), 2);
	ck_assert_int_eq(add_version("customer", "api", "{\"v\":3}", "sha256:c3", NULL), 3);

	ck_assert_int_eq(store_version_contracts(st, "customer", "api", 0, &list, &n, &err), 0);
	ck_assert_uint_eq(n, 3);
	for (size_t i = 0; i < n; i++) {
		char want[32];
		snprintf(want, sizeof(want), "{\"v\":%d}", (int)i + 1);
		ck_assert_int_eq(list[i].number, (int)i + 1);
		ck_assert_str_eq(list[i].format, "openapi");
		ck_assert_str_eq(list[i].text, want);
	}
	store_contracts_free(list, n);
	ck_assert_int_eq(store_version_contracts(st, "customer", "api", 1, &list, &n, &err), 0);
	ck_assert_uint_eq(n, 1);
	ck_assert_int_eq(list[0].number, 3);
	store_contracts_free(list, n);
	ck_assert_int_eq(store_version_contracts(st, "customer", "nope", 0, &list, &n, &err),
	                 DW_NOT_FOUND);

	ck_assert_int_eq(store_version_find(st, "customer", "api", "sha256:c2", &number, &err), 0);
	ck_assert_int_eq(number, 2);
	ck_assert_int_eq(store_version_find(st, "customer", "api", "sha256:zz", &number, &err),
	                 DW_NOT_FOUND);

	/* a version checked against 3 cannot land as 5 */
	{
		struct store_version_in in = {"openapi",
		                              "application/json",
		                              "{\"v\":4}",
		                              "sha256:c4",
		                              "ci",
		                              NULL,
		                              NULL,
		                              NULL,
		                              NULL,
		                              0,
		                              0};
		ck_assert_int_eq(
		    store_version_add_next(st, "customer", "api", &in, 5, &number, &res, &err),
		    DW_PRECONDITION);
		ck_assert_int_eq(
		    store_version_add_next(st, "customer", "api", &in, 4, &number, &res, &err), 0);
		ck_assert_int_eq(number, 4);
		ck_assert_int_eq(res, STORE_CREATED);
	}
}
END_TEST

static Suite *store_suite(void)
{
	Suite *s = suite_create("store");
	TCase *tc = tcase_create("store");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_migration_sets_user_version);
	tcase_add_test(tc, test_migration_7_backfills_history);
	tcase_add_test(tc, test_open_errors);
	tcase_add_test(tc, test_domain_put_results);
	tcase_add_test(tc, test_domain_expect_rev);
	tcase_add_test(tc, test_domain_get_missing);
	tcase_add_test(tc, test_domain_delete);
	tcase_add_test(tc, test_domain_list_pages);
	tcase_add_test(tc, test_product_put_get);
	tcase_add_test(tc, test_product_soft_delete);
	tcase_add_test(tc, test_product_list_pages);
	tcase_add_test(tc, test_product_filters);
	tcase_add_test(tc, test_search_field_names);
	tcase_add_test(tc, test_filter_consumes);
	tcase_add_test(tc, test_stats);
	tcase_add_test(tc, test_migration_2_fills_tables);
	tcase_add_test(tc, test_versions);
	tcase_add_test(tc, test_version_numbering_and_list);
	tcase_add_test(tc, test_tokens);
	tcase_add_test(tc, test_reopen_finds_everything);
	tcase_add_test(tc, test_concurrent_writers);
	tcase_add_test(tc, test_read_only_database);
	tcase_add_test(tc, test_documents_are_checked);
	tcase_add_test(tc, test_flows_follow_products);
	tcase_add_test(tc, test_config);
	tcase_add_test(tc, test_version_contracts);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr;
	int failed;

	snprintf(base, sizeof(base), "/tmp/dw-store-XXXXXX");
	if (!mkdtemp(base)) {
		perror("test_store: mkdtemp");
		return 1;
	}
	sr = srunner_create(store_suite());
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	rm_tree(base);
	return failed != 0;
}
