/*
 * A small JSON reader for the fake drivers' config files (testkit/README.md). It builds a tree once at
 * init; the fakes only read it afterwards. Strict RFC 8259 syntax, UTF-8 passed through.
 */
#ifndef JACCEL_FAKE_JSON_H
#define JACCEL_FAKE_JSON_H

#include <stddef.h>

/* internal to each fake: not part of the exported ABI */
#pragma GCC visibility push(hidden)

typedef enum { FJ_NULL, FJ_BOOL, FJ_NUMBER, FJ_STRING, FJ_ARRAY, FJ_OBJECT } fj_type;

typedef struct fj_value fj_value;
struct fj_value {
    fj_type type;
    int boolean;
    double number;
    long long integer;   /* exact value when the number is an integer literal */
    char *string;        /* FJ_STRING value */
    size_t count;        /* FJ_ARRAY / FJ_OBJECT members */
    char **keys;         /* FJ_OBJECT keys */
    fj_value **items;    /* FJ_ARRAY items / FJ_OBJECT values */
};

/* Parses text; on error returns NULL and writes a message (with the byte offset) to err. */
fj_value *fj_parse(const char *text, char *err, size_t errlen);
/* Reads and parses a whole file; on error returns NULL with a message naming the file. */
fj_value *fj_parse_file(const char *path, char *err, size_t errlen);
void fj_free(fj_value *v);

/* Lookups that tolerate NULL and wrong types (they then return NULL / the fallback). */
const fj_value *fj_get(const fj_value *object, const char *key);
const fj_value *fj_at(const fj_value *array, size_t index);
size_t fj_len(const fj_value *array);
const char *fj_str(const fj_value *v, const char *fallback);
long long fj_int(const fj_value *v, long long fallback);
int fj_bool(const fj_value *v, int fallback);

#pragma GCC visibility pop

#endif
