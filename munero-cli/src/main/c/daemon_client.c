/*
 * munero-client: the build daemon's client without a JVM.
 *
 * The Java client (dev.munero.cli.DaemonClient) costs a JVM start, about 0.2 s, on every command sent to the daemon.
 * This program speaks the same protocol (DaemonProtocol.java) to a daemon that already runs, and leaves everything
 * else to the Java client by exec'ing it unchanged: no daemon yet (the Java client starts one), a Munero jar or JDK
 * other than the running daemon's, the commands the Java client keeps in its own process (daemon, agent, mcp).
 *
 * Usage: munero-client JAR SECRETS JAVA-COMMAND... --munero-args-- MUNERO-ARGS...
 *   JAR           munero.jar; the daemon serving it is found through the hint the Java client leaves next to the
 *                 daemon's socket (DaemonClient.writeHint): <socket dir>/client-<FNV-1a 64 of the jar path>.hint
 *   SECRETS       the launcher's secrets file (NAME=VALUE entries, each ended by NUL; see LauncherSecrets.java) or
 *                 an empty string: read, then deleted with its folder, once the daemon answered
 *   JAVA-COMMAND  the Java client's command line, exec'd with MUNERO-ARGS when this program cannot serve them
 *
 * The request carries the arguments, the working directory, the whole environment (the secrets included, as the
 * Java client sends them), whether stdin and stdout are a terminal (and neither CI nor TERM=dumb is set), and the
 * terminal's width. Output frames go to stdout and stderr as they come; the exit frame's code is this program's.
 * Ctrl-C or SIGTERM sends one cancel byte and waits for the daemon to finish the command; a second one exits at once
 * with 130.
 */
#define _POSIX_C_SOURCE 200809L
#define _DEFAULT_SOURCE
#include <errno.h>
#include <limits.h>
#include <pwd.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#define SEPARATOR "--munero-args--"
#define HINT_FORMAT "munero-client-hint 2"
#define MAGIC_RUN 0x4d554e31u

extern char **environ;

#ifdef __APPLE__
#define MTIME_SEC(s) (s).st_mtimespec.tv_sec
#define MTIME_NSEC(s) (s).st_mtimespec.tv_nsec
#else
#define MTIME_SEC(s) (s).st_mtim.tv_sec
#define MTIME_NSEC(s) (s).st_mtim.tv_nsec
#endif

static char **fallback; /* the Java client's argv, then the munero arguments, NULL-terminated */
static volatile sig_atomic_t interrupts;
static volatile sig_atomic_t daemon_fd = -1; /* set once the whole request is sent */

/* Runs the Java client instead; only before anything was sent to the daemon or read from the secrets file. */
static void use_java(void) {
    execv(fallback[0], fallback);
    fprintf(stderr, "munero: cannot start %s: %s\n", fallback[0], strerror(errno));
    exit(2);
}

/* The first Ctrl-C or SIGTERM sends the cancel byte at once (write is async-signal-safe, and one byte goes out
   whole), whatever the main loop is blocked on; the daemon then finishes the command and sends its exit frame. */
static void on_signal(int sig) {
    static const unsigned char cancel = 'C';
    (void) sig;
    interrupts++;
    if (interrupts > 1) {
        _exit(130);
    }
    if (daemon_fd >= 0 && write(daemon_fd, &cancel, 1) != 1) {
        _exit(130); /* the daemon is gone: nobody is left to wait for */
    }
}

/* FNV-1a, 64 bits, as DaemonClient.hintFile computes it. */
static uint64_t fnv1a(const char *s) {
    uint64_t h = 0xcbf29ce484222325ULL;
    for (; *s; s++) {
        h = (h ^ (unsigned char) *s) * 0x100000001b3ULL;
    }
    return h;
}

/* DaemonProtocol.socketFor's folder: $MUNERO_DAEMON_DIR, $XDG_RUNTIME_DIR/munero, else ~/.munero/daemon. */
static int socket_dir(char *out, size_t n) {
    const char *dir = getenv("MUNERO_DAEMON_DIR"), *xdg = getenv("XDG_RUNTIME_DIR");
    struct passwd *pw;
    if (dir) {
        return snprintf(out, n, "%s", dir) < (int) n;
    }
    if (xdg) {
        return snprintf(out, n, "%s/munero", xdg) < (int) n;
    }
    pw = getpwuid(getuid()); /* Java's user.home comes from the password database, not $HOME */
    return pw && snprintf(out, n, "%s/.munero/daemon", pw->pw_dir) < (int) n;
}

/* The daemon's socket from the hint, when the hint is for this jar, as it is now, and for this JDK; else NULL. */
static int find_socket(const char *jar, const char *java, char *socket_path, size_t n) {
    char dir[PATH_MAX], hint[PATH_MAX + 64], line[PATH_MAX + 64], hint_jar[sizeof line], java_real[PATH_MAX],
            hint_java[PATH_MAX + 16], hint_java_real[PATH_MAX], release[PATH_MAX + 16];
    long long mtime_ms, size, release_ms;
    struct stat st;
    FILE *in;
    int ok = 0, used = 0;
    if (!socket_dir(dir, sizeof dir)) {
        return 0;
    }
    snprintf(hint, sizeof hint, "%s/client-%016llx.hint", dir, (unsigned long long) fnv1a(jar));
    in = fopen(hint, "r");
    if (!in) {
        return 0;
    }
    /* the hint decides where the environment, secrets included, is sent: only the user's own, unwritable by others */
    if (fstat(fileno(in), &st) != 0 || st.st_uid != getuid() || (st.st_mode & (S_IWGRP | S_IWOTH))) {
        fclose(in);
        return 0;
    }
    /* munero-client-hint 2 / jar <mtime ms> <size> <path> / java <release mtime ms> <java.home> / socket <path>; the
       JDK's release file changes when the JDK is updated in place, which gives the Java client a new daemon */
    if (fgets(line, sizeof line, in) && strcmp(line, HINT_FORMAT "\n") == 0
            && fgets(line, sizeof line, in) && sscanf(line, "jar %lld %lld %[^\n]", &mtime_ms, &size, hint_jar) == 3
            && strcmp(hint_jar, jar) == 0 && stat(jar, &st) == 0 && (long long) st.st_size == size
            && (long long) MTIME_SEC(st) * 1000 + MTIME_NSEC(st) / 1000000 == mtime_ms
            && fgets(line, sizeof line, in) && sscanf(line, "java %lld %n", &release_ms, &used) == 1 && used > 0
            && snprintf(hint_java, sizeof hint_java, "%.*s/bin/java", (int) strcspn(line + used, "\n"), line + used) > 0
            && snprintf(release, sizeof release, "%.*s/release", (int) strcspn(line + used, "\n"), line + used) > 0
            && stat(release, &st) == 0 && (long long) MTIME_SEC(st) * 1000 + MTIME_NSEC(st) / 1000000 == release_ms
            && realpath(hint_java, hint_java_real) && realpath(java, java_real) && strcmp(java_real, hint_java_real) == 0
            && fgets(line, sizeof line, in) && strncmp(line, "socket ", 7) == 0) {
        line[strcspn(line, "\n")] = '\0';
        ok = snprintf(socket_path, n, "%s", line + 7) < (int) n;
    }
    fclose(in);
    return ok;
}

/* -------- the request, built in memory, sent at once -------- */

typedef struct {
    unsigned char *data;
    size_t len, cap;
} buffer;

static void put(buffer *b, const void *p, size_t n) {
    if (b->len + n > b->cap) {
        b->cap = (b->len + n) * 2 + 4096;
        b->data = realloc(b->data, b->cap);
        if (!b->data) {
            fprintf(stderr, "munero: out of memory\n");
            exit(2);
        }
    }
    memcpy(b->data + b->len, p, n);
    b->len += n;
}

static void put_int(buffer *b, uint32_t v) {
    unsigned char be[4] = {(unsigned char) (v >> 24), (unsigned char) (v >> 16), (unsigned char) (v >> 8),
                           (unsigned char) v};
    put(b, be, 4);
}

static void put_bytes(buffer *b, const char *s, size_t n) {
    put_int(b, (uint32_t) n);
    put(b, s, n);
}

/* Each NAME=VALUE of the launcher's secrets file, which is then deleted with its folder (LauncherSecrets.take). */
static char *read_secrets(const char *file, size_t *len) {
    char *data = NULL, folder[PATH_MAX];
    const char *failure = NULL;
    struct stat st;
    FILE *in;
    *len = 0;
    if (!*file) {
        return NULL;
    }
    errno = 0;
    in = fopen(file, "rb");
    if (in && fstat(fileno(in), &st) == 0 && (data = malloc((size_t) st.st_size + 1))
            && fread(data, 1, (size_t) st.st_size, in) == (size_t) st.st_size) {
        *len = (size_t) st.st_size;
        data[*len] = '\0'; /* a last entry without its NUL still ends */
    } else {
        failure = errno ? strerror(errno) : "short read";
        free(data);
        data = NULL;
    }
    if (in) {
        fclose(in);
    }
    unlink(file);
    /* the folder the launcher made for it (mktemp -d .../munero-secrets.XXXXXX), and no other */
    if (snprintf(folder, sizeof folder, "%s", file) < (int) sizeof folder && strrchr(folder, '/')) {
        *strrchr(folder, '/') = '\0';
        if (strncmp(strrchr(folder, '/') ? strrchr(folder, '/') + 1 : folder, "munero-secrets.", 15) == 0) {
            rmdir(folder);
        }
    }
    if (failure) {
        /* as LauncherSecrets.takeOrExit: never run a command without the user's keys */
        fprintf(stderr, "munero: error: cannot read the secrets file the launcher wrote (%s): %s; run the command "
                        "again (MUNERO_DAEMON=0 runs it without the daemon)\n", file, failure);
        exit(2);
    }
    return data;
}

static int write_all(int fd, const unsigned char *p, size_t n) {
    while (n > 0) {
        ssize_t w = write(fd, p, n);
        if (w < 0) {
            if (errno == EINTR) {
                continue;
            }
            if (errno == EAGAIN || errno == EWOULDBLOCK) { /* a terminal left non-blocking by another program */
                struct pollfd pfd = {fd, POLLOUT, 0};
                poll(&pfd, 1, -1);
                continue;
            }
            return -1;
        }
        p += w;
        n -= (size_t) w;
    }
    return 0;
}

/* Reads exactly n bytes (a signal's cancel byte went out from its handler). 0 at the end of the stream. */
static int read_all(int fd, unsigned char *p, size_t n) {
    while (n > 0) {
        ssize_t r = read(fd, p, n);
        if (r < 0 && errno == EINTR) {
            continue;
        }
        if (r <= 0) {
            return 0;
        }
        p += r;
        n -= (size_t) r;
    }
    return 1;
}

int main(int argc, char **argv) {
    char socket_path[PATH_MAX], cwd[PATH_MAX];
    const char *jar, *secrets_file;
    struct sockaddr_un addr;
    struct sigaction sa;
    sigset_t block;
    struct winsize ws;
    buffer req = {NULL, 0, 0};
    char *secrets, *p, *end;
    size_t secrets_len, envc = 0, i;
    int a, sep = -1, fd, columns = 0, interactive;
    const char *ci = getenv("CI"), *term = getenv("TERM");
    for (a = 3; a < argc; a++) {
        if (strcmp(argv[a], SEPARATOR) == 0) {
            sep = a;
            break;
        }
    }
    if (argc < 4 || sep < 4) {
        fprintf(stderr, "usage: munero-client JAR SECRETS JAVA-COMMAND... " SEPARATOR " MUNERO-ARGS...\n");
        return 2;
    }
    jar = argv[1];
    secrets_file = argv[2];
    /* the Java client's argv followed by the munero arguments */
    fallback = calloc((size_t) argc, sizeof *fallback);
    if (!fallback) {
        return 2;
    }
    for (a = 3, i = 0; a < argc; a++) {
        if (a != sep) {
            fallback[i++] = argv[a];
        }
    }
    if (sep + 1 < argc && (strcmp(argv[sep + 1], "daemon") == 0 || strcmp(argv[sep + 1], "agent") == 0
            || strcmp(argv[sep + 1], "mcp") == 0)) {
        use_java(); /* kept in the Java client's own process, see DaemonClient.main */
    }
    if (!find_socket(jar, argv[3], socket_path, sizeof socket_path) || !getcwd(cwd, sizeof cwd)) {
        use_java();
    }
    memset(&addr, 0, sizeof addr);
    addr.sun_family = AF_UNIX;
    if (strlen(socket_path) >= sizeof addr.sun_path) {
        use_java();
    }
    strcpy(addr.sun_path, socket_path);
    fd = socket(AF_UNIX, SOCK_STREAM, 0);
    if (fd < 0 || connect(fd, (struct sockaddr *) &addr, sizeof addr) != 0) {
        use_java(); /* no daemon answers: the Java client starts one */
    }

    /* DaemonProtocol.writeRequest */
    put_int(&req, MAGIC_RUN);
    put_int(&req, (uint32_t) (argc - sep - 1));
    for (a = sep + 1; a < argc; a++) {
        put_bytes(&req, argv[a], strlen(argv[a]));
    }
    put_bytes(&req, cwd, strlen(cwd));
    secrets = read_secrets(secrets_file, &secrets_len);
    for (i = 0; environ[i]; i++) {
        if (strchr(environ[i], '=')) {
            envc++;
        }
    }
    for (p = secrets, end = secrets + secrets_len; p && p < end; p += strlen(p) + 1) {
        envc += strchr(p, '=') != NULL;
    }
    put_int(&req, (uint32_t) envc);
    for (i = 0; environ[i]; i++) {
        char *eq = strchr(environ[i], '=');
        if (eq) {
            put_bytes(&req, environ[i], (size_t) (eq - environ[i]));
            put_bytes(&req, eq + 1, strlen(eq + 1));
        }
    }
    for (p = secrets; p && p < end; p += strlen(p) + 1) {
        char *eq = strchr(p, '=');
        if (eq) {
            put_bytes(&req, p, (size_t) (eq - p));
            put_bytes(&req, eq + 1, strlen(eq + 1));
        }
    }
    free(secrets);
    /* Terminal.isInteractive: neither CI nor TERM=dumb, and the console is a terminal (stdin and stdout) */
    interactive = !ci && !(term && strcmp(term, "dumb") == 0) && isatty(0) && isatty(1);
    put(&req, &(unsigned char) {(unsigned char) interactive}, 1);
    if (isatty(1) && ioctl(1, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0) {
        columns = ws.ws_col;
    }
    put_int(&req, (uint32_t) columns);

    /* Ctrl-C while the request is on its way is held back (a cancel byte inside the request would garble it), then
       delivered: the handler sends the cancel byte as soon as the daemon has the whole request */
    sigemptyset(&block);
    sigaddset(&block, SIGINT);
    sigaddset(&block, SIGTERM);
    sigprocmask(SIG_BLOCK, &block, NULL);
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    signal(SIGPIPE, SIG_IGN);
    if (write_all(fd, req.data, req.len) != 0) {
        fprintf(stderr, "munero: lost the connection to the build daemon: %s\n", strerror(errno));
        return 1;
    }
    free(req.data);
    daemon_fd = fd;
    sigprocmask(SIG_UNBLOCK, &block, NULL);

    for (;;) {
        static unsigned char chunk[64 * 1024];
        unsigned char type, len[4];
        uint32_t n;
        if (!read_all(fd, &type, 1) || !read_all(fd, len, 4)) {
            fprintf(stderr, "munero: the build daemon stopped before the command finished\n");
            return 1;
        }
        n = (uint32_t) len[0] << 24 | (uint32_t) len[1] << 16 | (uint32_t) len[2] << 8 | len[3];
        if (type == 'X') {
            return (int) n;
        }
        if (type != 'O' && type != 'E') {
            fprintf(stderr, "munero: protocol error from the build daemon (frame type %d)\n", type);
            return 1;
        }
        while (n > 0) { /* any size, in pieces */
            uint32_t piece = n < sizeof chunk ? n : (uint32_t) sizeof chunk;
            if (!read_all(fd, chunk, piece)) {
                fprintf(stderr, "munero: the build daemon stopped before the command finished\n");
                return 1;
            }
            write_all(type == 'E' ? 2 : 1, chunk, piece);
            n -= piece;
        }
    }
}
