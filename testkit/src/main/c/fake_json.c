#include "fake_json.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    const char *s;
    size_t pos;
    char *err;
    size_t errlen;
    int depth;
} parser;

static fj_value *parse_value(parser *p);

static void fail(parser *p, const char *what) {
    if (p->err && p->err[0] == '\0') {
        snprintf(p->err, p->errlen, "%s at byte %zu", what, p->pos);
    }
}

static void skip_ws(parser *p) {
    while (p->s[p->pos] == ' ' || p->s[p->pos] == '\t' || p->s[p->pos] == '\n' || p->s[p->pos] == '\r') {
        p->pos++;
    }
}

static fj_value *new_value(fj_type t) {
    fj_value *v = calloc(1, sizeof *v);
    if (v) {
        v->type = t;
    }
    return v;
}

static int append(fj_value *container, char *key, fj_value *item) {
    size_t n = container->count + 1;
    fj_value **items = realloc(container->items, n * sizeof *items);
    if (!items) {
        return 0;
    }
    container->items = items;
    if (container->type == FJ_OBJECT) {
        char **keys = realloc(container->keys, n * sizeof *keys);
        if (!keys) {
            return 0;
        }
        container->keys = keys;
        container->keys[n - 1] = key;
    }
    container->items[n - 1] = item;
    container->count = n;
    return 1;
}

static int hexval(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

static void put_utf8(char *out, size_t *n, unsigned cp) {
    if (cp < 0x80) {
        out[(*n)++] = (char) cp;
    } else if (cp < 0x800) {
        out[(*n)++] = (char) (0xC0 | (cp >> 6));
        out[(*n)++] = (char) (0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
        out[(*n)++] = (char) (0xE0 | (cp >> 12));
        out[(*n)++] = (char) (0x80 | ((cp >> 6) & 0x3F));
        out[(*n)++] = (char) (0x80 | (cp & 0x3F));
    } else {
        out[(*n)++] = (char) (0xF0 | (cp >> 18));
        out[(*n)++] = (char) (0x80 | ((cp >> 12) & 0x3F));
        out[(*n)++] = (char) (0x80 | ((cp >> 6) & 0x3F));
        out[(*n)++] = (char) (0x80 | (cp & 0x3F));
    }
}

static int read_hex4(parser *p, unsigned *cp) {
    unsigned v = 0;
    for (int i = 0; i < 4; i++) {
        int h = hexval(p->s[p->pos]);
        if (h < 0) {
            fail(p, "bad \\u escape");
            return 0;
        }
        v = v * 16 + (unsigned) h;
        p->pos++;
    }
    *cp = v;
    return 1;
}

/* p->pos is at the opening quote. The output never exceeds the input length. */
static char *parse_string_raw(parser *p) {
    size_t start = ++p->pos;
    size_t end = start;
    while (p->s[end] != '"') {
        if (p->s[end] == '\0') {
            p->pos = end;
            fail(p, "unterminated string");
            return NULL;
        }
        end += (p->s[end] == '\\' && p->s[end + 1] != '\0') ? 2 : 1;
    }
    char *out = malloc(end - start + 1);
    if (!out) {
        fail(p, "out of memory");
        return NULL;
    }
    size_t n = 0;
    while (p->s[p->pos] != '"') {
        unsigned char c = (unsigned char) p->s[p->pos];
        if (c < 0x20) {
            fail(p, "control character in string");
            free(out);
            return NULL;
        }
        if (c != '\\') {
            out[n++] = (char) c;
            p->pos++;
            continue;
        }
        p->pos++;
        char e = p->s[p->pos++];
        switch (e) {
            case '"': out[n++] = '"'; break;
            case '\\': out[n++] = '\\'; break;
            case '/': out[n++] = '/'; break;
            case 'b': out[n++] = '\b'; break;
            case 'f': out[n++] = '\f'; break;
            case 'n': out[n++] = '\n'; break;
            case 'r': out[n++] = '\r'; break;
            case 't': out[n++] = '\t'; break;
            case 'u': {
                unsigned cp;
                if (!read_hex4(p, &cp)) {
                    free(out);
                    return NULL;
                }
                if (cp >= 0xD800 && cp < 0xDC00 && p->s[p->pos] == '\\' && p->s[p->pos + 1] == 'u') {
                    unsigned lo;
                    p->pos += 2;
                    if (!read_hex4(p, &lo)) {
                        free(out);
                        return NULL;
                    }
                    cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
                }
                put_utf8(out, &n, cp);
                break;
            }
            default:
                p->pos--;
                fail(p, "bad escape in string");
                free(out);
                return NULL;
        }
    }
    p->pos++;
    out[n] = '\0';
    return out;
}

static fj_value *parse_number(parser *p) {
    const char *start = p->s + p->pos;
    size_t i = p->pos;
    int integral = 1;
    if (p->s[i] == '-') i++;
    if (p->s[i] < '0' || p->s[i] > '9') {
        fail(p, "bad number");
        return NULL;
    }
    if (p->s[i] == '0') {
        i++;
    } else {
        while (p->s[i] >= '0' && p->s[i] <= '9') i++;
    }
    if (p->s[i] == '.') {
        integral = 0;
        i++;
        if (p->s[i] < '0' || p->s[i] > '9') {
            p->pos = i;
            fail(p, "bad number");
            return NULL;
        }
        while (p->s[i] >= '0' && p->s[i] <= '9') i++;
    }
    if (p->s[i] == 'e' || p->s[i] == 'E') {
        integral = 0;
        i++;
        if (p->s[i] == '+' || p->s[i] == '-') i++;
        if (p->s[i] < '0' || p->s[i] > '9') {
            p->pos = i;
            fail(p, "bad number");
            return NULL;
        }
        while (p->s[i] >= '0' && p->s[i] <= '9') i++;
    }
    fj_value *v = new_value(FJ_NUMBER);
    if (!v) {
        fail(p, "out of memory");
        return NULL;
    }
    v->number = strtod(start, NULL);
    if (integral) {
        errno = 0;
        v->integer = strtoll(start, NULL, 10);
        if (errno == ERANGE) {
            free(v);
            fail(p, "integer out of range");
            return NULL;
        }
    } else {
        v->integer = (long long) v->number;
    }
    p->pos = i;
    return v;
}

static int literal(parser *p, const char *word) {
    size_t n = strlen(word);
    if (strncmp(p->s + p->pos, word, n) == 0) {
        p->pos += n;
        return 1;
    }
    return 0;
}

static fj_value *parse_container(parser *p, fj_type type) {
    char close = type == FJ_OBJECT ? '}' : ']';
    if (++p->depth > 64) {
        fail(p, "nesting too deep");
        return NULL;
    }
    fj_value *v = new_value(type);
    if (!v) {
        fail(p, "out of memory");
        return NULL;
    }
    p->pos++;
    skip_ws(p);
    if (p->s[p->pos] == close) {
        p->pos++;
        p->depth--;
        return v;
    }
    for (;;) {
        char *key = NULL;
        skip_ws(p);
        if (type == FJ_OBJECT) {
            if (p->s[p->pos] != '"') {
                fail(p, "expected a string key");
                goto error;
            }
            key = parse_string_raw(p);
            if (!key) goto error;
            skip_ws(p);
            if (p->s[p->pos] != ':') {
                free(key);
                fail(p, "expected ':'");
                goto error;
            }
            p->pos++;
        }
        fj_value *item = parse_value(p);
        if (!item || !append(v, key, item)) {
            free(key);
            fj_free(item);
            fail(p, "out of memory");
            goto error;
        }
        skip_ws(p);
        if (p->s[p->pos] == ',') {
            p->pos++;
            continue;
        }
        if (p->s[p->pos] == close) {
            p->pos++;
            p->depth--;
            return v;
        }
        fail(p, type == FJ_OBJECT ? "expected ',' or '}'" : "expected ',' or ']'");
        goto error;
    }
error:
    fj_free(v);
    return NULL;
}

static fj_value *parse_value(parser *p) {
    skip_ws(p);
    char c = p->s[p->pos];
    fj_value *v;
    switch (c) {
        case '{': return parse_container(p, FJ_OBJECT);
        case '[': return parse_container(p, FJ_ARRAY);
        case '"': {
            char *s = parse_string_raw(p);
            if (!s) return NULL;
            v = new_value(FJ_STRING);
            if (!v) {
                free(s);
                fail(p, "out of memory");
                return NULL;
            }
            v->string = s;
            return v;
        }
        case 't':
        case 'f':
            if (literal(p, "true") || literal(p, "false")) {
                v = new_value(FJ_BOOL);
                if (v) v->boolean = c == 't';
                return v;
            }
            break;
        case 'n':
            if (literal(p, "null")) return new_value(FJ_NULL);
            break;
        default:
            if (c == '-' || (c >= '0' && c <= '9')) return parse_number(p);
    }
    fail(p, c == '\0' ? "unexpected end of input" : "unexpected character");
    return NULL;
}

fj_value *fj_parse(const char *text, char *err, size_t errlen) {
    parser p = {text, 0, err, errlen, 0};
    if (err && errlen) err[0] = '\0';
    fj_value *v = parse_value(&p);
    if (!v) return NULL;
    skip_ws(&p);
    if (text[p.pos] != '\0') {
        fail(&p, "trailing characters after the JSON value");
        fj_free(v);
        return NULL;
    }
    return v;
}

fj_value *fj_parse_file(const char *path, char *err, size_t errlen) {
    FILE *f = fopen(path, "rb");
    if (!f) {
        snprintf(err, errlen, "cannot open %s: %s", path, strerror(errno));
        return NULL;
    }
    size_t cap = 4096, len = 0;
    char *buf = malloc(cap);
    size_t got;
    while (buf && (got = fread(buf + len, 1, cap - len - 1, f)) > 0) {
        len += got;
        if (cap - len - 1 == 0) {
            char *bigger = realloc(buf, cap * 2);
            if (!bigger) {
                free(buf);
                buf = NULL;
                break;
            }
            buf = bigger;
            cap *= 2;
        }
    }
    int read_error = ferror(f);
    fclose(f);
    if (!buf || read_error) {
        free(buf);
        snprintf(err, errlen, "cannot read %s", path);
        return NULL;
    }
    buf[len] = '\0';
    char inner[200];
    fj_value *v = fj_parse(buf, inner, sizeof inner);
    free(buf);
    if (!v) snprintf(err, errlen, "%s: invalid JSON: %s", path, inner);
    return v;
}

void fj_free(fj_value *v) {
    if (!v) return;
    for (size_t i = 0; i < v->count; i++) {
        fj_free(v->items[i]);
        if (v->keys) free(v->keys[i]);
    }
    free(v->items);
    free(v->keys);
    free(v->string);
    free(v);
}

const fj_value *fj_get(const fj_value *object, const char *key) {
    if (!object || object->type != FJ_OBJECT) return NULL;
    for (size_t i = object->count; i-- > 0;) {   /* last duplicate wins, like most readers */
        if (strcmp(object->keys[i], key) == 0) return object->items[i];
    }
    return NULL;
}

const fj_value *fj_at(const fj_value *array, size_t index) {
    if (!array || array->type != FJ_ARRAY || index >= array->count) return NULL;
    return array->items[index];
}

size_t fj_len(const fj_value *array) {
    return array && array->type == FJ_ARRAY ? array->count : 0;
}

const char *fj_str(const fj_value *v, const char *fallback) {
    return v && v->type == FJ_STRING ? v->string : fallback;
}

long long fj_int(const fj_value *v, long long fallback) {
    return v && v->type == FJ_NUMBER ? v->integer : fallback;
}

int fj_bool(const fj_value *v, int fallback) {
    return v && v->type == FJ_BOOL ? v->boolean : fallback;
}
