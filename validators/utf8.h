/*
 * utf8: UTF-8 sequences and hex digits, as the parsers (protobuf, JSON Schema patterns, the
 * loader) decode and encode them. Pure functions over caller-owned bytes; nothing allocates.
 */
#ifndef DW_UTF8_H
#define DW_UTF8_H

#include <stddef.h>

/* Length (1..4) of the valid UTF-8 sequence at s, n bytes available (n >= 1); 0 when it is
 * invalid: overlong, a surrogate, above U+10FFFF, or cut short. */
size_t utf8_seq_len(const unsigned char *s, size_t n);
/* 1 when the n bytes at s are all valid UTF-8, else 0. */
int utf8_valid(const char *s, size_t n);
/* Replaces, in place, every byte of the NUL-terminated s that is not part of a valid UTF-8
 * sequence with '?', so that s can become a JSON string (raw request paths, names quoted in
 * messages). s may be NULL. */
void utf8_scrub(char *s);
/* Writes code point cp (<= 0x10FFFF) as UTF-8 into out (4 bytes of room); its length. */
size_t utf8_encode(char *out, unsigned long cp);
/* The value of hex digit c (0..15), -1 when c is not one. */
int hex_digit(int c);

#endif
