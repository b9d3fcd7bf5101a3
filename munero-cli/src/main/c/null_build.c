/*
 * munero-null-build: answers a null build without starting Java.
 *
 * A null build is a build with nothing to do: nothing it depends on changed since the last build that passed.
 * After such a build, Munero (dev.munero.engine.build.NullBuild) writes a manifest to
 * <root>/.munero/state/null-build/<request digest>: the stat data (inode, size, modification and change time in
 * nanoseconds) of every file and folder the build's result depends on (the build files detection read, every input
 * of every step and every folder walked to find them, what git's ignore rules depend on, every output, Munero's own
 * jar), which cache entries must still exist, and a digest of the environment. This program, started by the
 * launcher before any JVM, compares all of it with the file system now. When everything is as recorded, it prints
 * the manifest's lines and exits 0: the build is done. Otherwise it exits 1 without a word (with
 * MUNERO_NULL_BUILD=explain, it says why on stderr), and the launcher runs Munero as usual.
 *
 * Usage: munero-null-build MUNERO-ARGS...   (the arguments munero was given, e.g. "build -j 4")
 *
 * Digests (both must match NullBuild.java byte for byte):
 *   request: SHA-256 of getcwd() NUL, then each argument NUL; lower-case hex, also the manifest's file name.
 *   env:     SHA-256 of every NAME=VALUE of the environment except those NullBuild.IGNORED_ENV names (shells' own,
 *            and the launcher's switches), sorted by their bytes (unsigned), each followed by NUL.
 *
 * Racy timestamps (git's rule, Documentation/technical/racy-git.txt): an entry whose recorded modification or change
 * time is not older than the manifest file's own modification time could be changed again within the same tick
 * without its stamp changing, so it is never trusted.
 *
 * SHA-256 follows FIPS 180-4 (sections 4.1.2, 4.2.2, 5.1.1, 6.2).
 */
#define _POSIX_C_SOURCE 200809L
#define _DEFAULT_SOURCE
#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define FORMAT "munero-null-build 1"
#define MAX_PRINTS 16
#define MANIFEST_DIR "/.munero/state/null-build/"

extern char **environ;

static int explain;

/* -------- SHA-256 (FIPS 180-4) -------- */

typedef struct {
    uint32_t h[8];
    uint64_t bytes;
    unsigned char block[64];
    size_t used;
} sha256_ctx;

static const uint32_t K[64] = {
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2};

#define ROTR(x, n) (((x) >> (n)) | ((x) << (32 - (n))))

static void sha256_block(sha256_ctx *c, const unsigned char *p) {
    uint32_t w[64], a, b, d, e, f, g, h, cc, t1, t2;
    int i;
    for (i = 0; i < 16; i++) {
        w[i] = (uint32_t) p[4 * i] << 24 | (uint32_t) p[4 * i + 1] << 16 | (uint32_t) p[4 * i + 2] << 8 | p[4 * i + 3];
    }
    for (i = 16; i < 64; i++) {
        uint32_t s0 = ROTR(w[i - 15], 7) ^ ROTR(w[i - 15], 18) ^ (w[i - 15] >> 3);
        uint32_t s1 = ROTR(w[i - 2], 17) ^ ROTR(w[i - 2], 19) ^ (w[i - 2] >> 10);
        w[i] = w[i - 16] + s0 + w[i - 7] + s1;
    }
    a = c->h[0]; b = c->h[1]; cc = c->h[2]; d = c->h[3]; e = c->h[4]; f = c->h[5]; g = c->h[6]; h = c->h[7];
    for (i = 0; i < 64; i++) {
        t1 = h + (ROTR(e, 6) ^ ROTR(e, 11) ^ ROTR(e, 25)) + ((e & f) ^ (~e & g)) + K[i] + w[i];
        t2 = (ROTR(a, 2) ^ ROTR(a, 13) ^ ROTR(a, 22)) + ((a & b) ^ (a & cc) ^ (b & cc));
        h = g; g = f; f = e; e = d + t1; d = cc; cc = b; b = a; a = t1 + t2;
    }
    c->h[0] += a; c->h[1] += b; c->h[2] += cc; c->h[3] += d; c->h[4] += e; c->h[5] += f; c->h[6] += g; c->h[7] += h;
}

static void sha256_init(sha256_ctx *c) {
    static const uint32_t H0[8] = {0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
                                   0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19};
    memcpy(c->h, H0, sizeof H0);
    c->bytes = 0;
    c->used = 0;
}

static void sha256_update(sha256_ctx *c, const void *data, size_t n) {
    const unsigned char *p = data;
    c->bytes += n;
    while (n > 0) {
        size_t take = 64 - c->used < n ? 64 - c->used : n;
        memcpy(c->block + c->used, p, take);
        c->used += take;
        p += take;
        n -= take;
        if (c->used == 64) {
            sha256_block(c, c->block);
            c->used = 0;
        }
    }
}

static void sha256_hex(sha256_ctx *c, char out[65]) {
    uint64_t bits = c->bytes * 8;
    unsigned char pad = 0x80, zero = 0, len[8];
    int i;
    sha256_update(c, &pad, 1);
    while (c->used != 56) {
        sha256_update(c, &zero, 1);
    }
    for (i = 0; i < 8; i++) {
        len[i] = (unsigned char) (bits >> (56 - 8 * i));
    }
    sha256_update(c, len, 8);
    for (i = 0; i < 8; i++) {
        sprintf(out + 8 * i, "%08x", c->h[i]);
    }
    out[64] = '\0';
}

/* -------- the check -------- */

/* Says why this is not a null build (only with MUNERO_NULL_BUILD=explain) and exits 1. */
static void not_null(const char *what, const char *detail) {
    if (explain) {
        fprintf(stderr, "munero: null build: no: %s%s%s\n", what, detail ? ": " : "", detail ? detail : "");
    }
    exit(1);
}

static int by_bytes(const void *a, const void *b) {
    return strcmp(*(char *const *) a, *(char *const *) b); /* strcmp compares as unsigned char (C99 7.21.4) */
}

static int ignored_env(const char *entry) {
    /* NullBuild.IGNORED_ENV */
    static const char *names[] = {"_", "SHLVL", "OLDPWD", "PWD", "MUNERO_HOME", "MUNERO_DAEMON", "MUNERO_NULL_BUILD",
                                  "MUNERO_JAVA_OPTS", "MUNERO_NO_AOT", "MUNERO_NATIVE_CLIENT", NULL};
    const char *eq = strchr(entry, '=');
    int i;
    if (!eq) {
        return 1;
    }
    /* NullBuild.IGNORED_ENV_PREFIXES */
    static const char *prefixes[] = {"JAVA_MAIN_CLASS_", "JAVA_STARTED_ON_FIRST_THREAD_", NULL};
    for (i = 0; names[i]; i++) {
        size_t n = strlen(names[i]);
        if ((size_t) (eq - entry) == n && strncmp(entry, names[i], n) == 0) {
            return 1;
        }
    }
    for (i = 0; prefixes[i]; i++) {
        size_t n = strlen(prefixes[i]);
        if ((size_t) (eq - entry) >= n && strncmp(entry, prefixes[i], n) == 0) {
            return 1;
        }
    }
    return 0;
}

static void env_digest(char out[65]) {
    size_t n = 0, i, kept = 0;
    char **sorted;
    sha256_ctx c;
    while (environ[n]) {
        n++;
    }
    sorted = malloc((n + 1) * sizeof *sorted);
    if (!sorted) {
        not_null("out of memory", NULL);
    }
    for (i = 0; i < n; i++) {
        if (!ignored_env(environ[i])) {
            sorted[kept++] = environ[i];
        }
    }
    qsort(sorted, kept, sizeof *sorted, by_bytes);
    sha256_init(&c);
    for (i = 0; i < kept; i++) {
        sha256_update(&c, sorted[i], strlen(sorted[i]) + 1);
    }
    sha256_hex(&c, out);
    free(sorted);
}

static long long nanos(struct timespec t) {
    return (long long) t.tv_sec * 1000000000LL + t.tv_nsec;
}

#ifdef __APPLE__
#define MTIME(s) nanos((s).st_mtimespec)
#define CTIME(s) nanos((s).st_ctimespec)
#else
#define MTIME(s) nanos((s).st_mtim)
#define CTIME(s) nanos((s).st_ctim)
#endif

/* The next line of the manifest without its newline, or NULL at the end. */
static char *next_line(char **cursor) {
    char *line = *cursor, *nl;
    if (!line || !*line) {
        return NULL;
    }
    nl = strchr(line, '\n');
    if (nl) {
        *nl = '\0';
        *cursor = nl + 1;
    } else {
        *cursor = line + strlen(line);
    }
    return line;
}

/* Reads "<field> " off the front of the line, returning what follows, or NULL when the line does not start so. */
static char *after(char *line, const char *field) {
    size_t n = strlen(field);
    return strncmp(line, field, n) == 0 && line[n] == ' ' ? line + n + 1 : NULL;
}

/* Reads a decimal number and the one space after it off *p; a damaged manifest exits through not_null. */
static long long number(char **p, const char *line) {
    char *end;
    long long v;
    errno = 0;
    v = strtoll(*p, &end, 10);
    if (end == *p || *end != ' ' || errno == ERANGE) {
        not_null("the manifest is damaged", line);
    }
    *p = end + 1;
    return v;
}

/* Checks one entry line; returns normally when it holds, else exits through not_null. */
static void check_entry(char *line, long long manifest_mtime) {
    char kind = line[0], *p = line + 2;
    long long ino = 0, size = 0, mtime = 0, ctime = 0;
    const char *path;
    struct stat st;
    if (line[1] != ' ') {
        not_null("the manifest is damaged", line);
    }
    switch (kind) {
        case 'f':
            ino = number(&p, line);
            size = number(&p, line);
            mtime = number(&p, line);
            ctime = number(&p, line);
            break;
        case 'd':
            ino = number(&p, line);
            mtime = number(&p, line);
            ctime = number(&p, line);
            break;
        case 'e':
            ino = number(&p, line);
            size = number(&p, line);
            break;
        case 'a':
            break;
        default:
            not_null("the manifest is damaged", line);
    }
    path = p;
    if (path[0] != '/') {
        not_null("the manifest is damaged", line);
    }
    if (lstat(path, &st) != 0) {
        if (kind == 'a' && (errno == ENOENT || errno == ENOTDIR)) {
            return;
        }
        not_null(kind == 'a' ? "cannot tell whether it exists" : "gone", path);
    }
    if (kind == 'a') {
        not_null("created", path);
    }
    if ((long long) st.st_ino != ino) {
        not_null("replaced", path);
    }
    if (kind == 'd') {
        if (!S_ISDIR(st.st_mode) || MTIME(st) != mtime || CTIME(st) != ctime) {
            not_null("folder changed", path);
        }
    } else if (S_ISDIR(st.st_mode) || (long long) st.st_size != size) {
        not_null("changed", path);
    } else if (kind == 'f' && (MTIME(st) != mtime || CTIME(st) != ctime)) {
        not_null("changed", path);
    }
    if (kind != 'e' && (mtime >= manifest_mtime || ctime >= manifest_mtime)) {
        not_null("changed too close to the last build to trust its time stamp", path);
    }
}

int main(int argc, char **argv) {
    char cwd[PATH_MAX], request[65], env[65], dir[PATH_MAX], file[PATH_MAX + 100];
    const char *mode = getenv("MUNERO_NULL_BUILD");
    struct timespec start, end;
    struct stat st;
    sha256_ctx c;
    FILE *in = NULL;
    char *text, *cursor, *line, *value;
    size_t len;
    long entries, i;
    int a, prints = 0;
    char *print[MAX_PRINTS];
    clock_gettime(CLOCK_MONOTONIC, &start);
    explain = mode && strcmp(mode, "explain") == 0;
    if (!getcwd(cwd, sizeof cwd) || cwd[0] != '/') {
        not_null("cannot read the working directory", strerror(errno));
    }
    sha256_init(&c);
    sha256_update(&c, cwd, strlen(cwd) + 1);
    for (a = 1; a < argc; a++) {
        sha256_update(&c, argv[a], strlen(argv[a]) + 1);
    }
    sha256_hex(&c, request);

    /* the manifest sits in the state folder of the workspace root: the folder the build started in (-C DIR, else the
       working directory) or one above it */
    strcpy(dir, cwd);
    for (a = 1; a < argc; a++) {
        const char *arg = argv[a], *given = NULL;
        if ((strcmp(arg, "-C") == 0 || strcmp(arg, "--directory") == 0) && a + 1 < argc) {
            given = argv[++a];
        } else if (strncmp(arg, "--directory=", 12) == 0) {
            given = arg + 12;
        } else if (strncmp(arg, "-C", 2) == 0 && arg[2]) {
            given = arg + 2 + (arg[2] == '=');
        } else if (strcmp(arg, "--") == 0) {
            break;
        }
        if (given && !realpath(given, dir)) {
            not_null("cannot find the folder -C names", given);
        }
    }
    for (;;) {
        snprintf(file, sizeof file, "%s%s%s", strcmp(dir, "/") == 0 ? "" : dir, MANIFEST_DIR, request);
        in = fopen(file, "rb");
        if (in || strcmp(dir, "/") == 0) {
            break;
        }
        *strrchr(dir, '/') = '\0';
        if (!*dir) {
            strcpy(dir, "/");
        }
    }
    if (!in) {
        not_null("no manifest for this command in this folder (the last build of it did not pass, or wrote none)", NULL);
    }
    if (fstat(fileno(in), &st) != 0 || st.st_size <= 0) {
        not_null("cannot read the manifest", file);
    }
    len = (size_t) st.st_size;
    text = malloc(len + 1);
    if (!text || fread(text, 1, len, in) != len) {
        not_null("cannot read the manifest", file);
    }
    text[len] = '\0';
    fclose(in);
    /* the last line is "end <SHA-256 of every byte before it>": a damaged or cut manifest never answers */
    value = len >= 70 ? text + len - 70 : NULL;
    if (!value || strncmp(value, "\nend ", 5) != 0 || text[len - 1] != '\n' || memchr(text, '\0', len)) {
        not_null("the manifest is damaged (no end line)", file);
    }
    sha256_init(&c);
    sha256_update(&c, text, (size_t) (value + 1 - text));
    sha256_hex(&c, env); /* env is free until the environment digest below */
    if (strncmp(value + 5, env, 64) != 0) {
        not_null("the manifest is damaged (its digest does not match)", file);
    }
    cursor = text;

    line = next_line(&cursor);
    if (!line || strcmp(line, FORMAT) != 0) {
        not_null("the manifest was written by another version of Munero", file);
    }
    line = next_line(&cursor);
    if (!line || !(value = after(line, "request")) || strcmp(value, request) != 0) {
        not_null("the manifest is for another command", file);
    }
    line = next_line(&cursor);
    env_digest(env);
    if (!line || !(value = after(line, "env")) || strcmp(value, env) != 0) {
        not_null("the environment changed", NULL);
    }
    line = next_line(&cursor);
    if (!line || !after(line, "build")) {
        not_null("the manifest is damaged", file);
    }
    /* the lines to print come first in the file, shown only once everything holds */
    while ((line = next_line(&cursor)) && (value = after(line, "print"))) {
        if (prints == MAX_PRINTS) {
            not_null("the manifest has more lines to print than this check shows", file);
        }
        print[prints++] = value;
    }
    if (!line || !(line = after(line, "entries"))) {
        not_null("the manifest is damaged", file);
    }
    errno = 0;
    entries = strtol(line, &value, 10);
    if (value == line || *value || entries < 0 || errno == ERANGE) {
        not_null("the manifest is damaged", file);
    }
    for (i = 0; i < entries; i++) {
        if (!(line = next_line(&cursor))) {
            not_null("the manifest is damaged", file);
        }
        check_entry(line, MTIME(st));
    }
    if (!(line = next_line(&cursor)) || strncmp(line, "end ", 4) != 0 || next_line(&cursor)) {
        not_null("the manifest is damaged", file);
    }
    clock_gettime(CLOCK_MONOTONIC, &end);
    for (a = 0; a < prints; a++) {
        value = print[a];
        if (strcmp(value, "{checked}") == 0) {
            printf("munero: null build: checked %ld files and folders, the environment and the cache in %.1f ms, "
                   "without starting Java (MUNERO_NULL_BUILD=0 turns this off)\n", entries,
                   (double) (nanos(end) - nanos(start)) / 1e6);
        } else {
            puts(value);
        }
    }
    /* answered: 0 even if the terminal went away, so the launcher never builds (and prints) a second time */
    fflush(stdout);
    return 0;
}
