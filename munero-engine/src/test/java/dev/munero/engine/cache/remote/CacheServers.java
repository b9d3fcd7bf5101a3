package dev.munero.engine.cache.remote;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Real cache servers on 127.0.0.1 for the remote cache tests, each a child process started in the foreground with its
 * own temporary configuration and storage: nginx from Debian with its WebDAV module (a Bazel HTTP cache), and
 * {@code turborepo-remote-cache} from npm with local storage. {@code .ci/run} installs both; where one is missing,
 * {@link #nginx()} or {@link #turborepoCacheScript()} says why, and the tests using it are skipped with that message.
 * Public for munero-temporal's tests (its call cache, issue 16.2), through this module's test-jar.
 */
public final class CacheServers {
    /** Where {@code .ci/run} installs turborepo-remote-cache. */
    public static final Path TURBO_CACHE_PREFIX = Path.of(System.getProperty("user.home"), ".cache", "munero-test",
            "turborepo-remote-cache");

    private CacheServers() {
    }

    /** A running server: its root URL, where it keeps what it is sent, and the process to stop. */
    public record Running(String url, Path storage, Process process) implements AutoCloseable {
        @Override
        public void close() throws InterruptedException {
            process.destroy();
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
            }
        }
    }

    /** The nginx binary, or null when it is not installed. */
    public static Path nginx() {
        for (String p : new String[] {"/usr/sbin/nginx", "/usr/bin/nginx"}) {
            if (Files.isExecutable(Path.of(p))) {
                return Path.of(p);
            }
        }
        return null;
    }

    /** turborepo-remote-cache's command script, or null when it is not installed. */
    public static Path turborepoCacheScript() {
        Path script = TURBO_CACHE_PREFIX.resolve("node_modules/turborepo-remote-cache/dist/cli.js");
        return Files.isRegularFile(script) ? script : null;
    }

    /**
     * nginx serving {@code dir/root} with WebDAV PUT on a free port: a Bazel HTTP cache ({@code PUT /cas/<sha256>} 201,
     * {@code GET} the same bytes, a missing key 404).
     */
    public static Running startNginx(Path dir) throws Exception {
        Path root = Files.createDirectories(dir.resolve("root"));
        int port = freePort();
        String user = "root".equals(System.getProperty("user.name")) ? "user root;\n" : "";
        String conf = user + """
                daemon off;
                worker_processes 1;
                pid %1$s/nginx.pid;
                error_log %1$s/error.log warn;
                events { worker_connections 256; }
                http {
                  access_log off;
                  client_body_temp_path %1$s/body;
                  proxy_temp_path %1$s/proxy;
                  fastcgi_temp_path %1$s/fastcgi;
                  uwsgi_temp_path %1$s/uwsgi;
                  scgi_temp_path %1$s/scgi;
                  server {
                    listen 127.0.0.1:%2$d;
                    root %3$s;
                    location / {
                      dav_methods PUT DELETE;
                      create_full_put_path on;
                      client_max_body_size 0;
                    }
                  }
                }
                """.formatted(dir, port, root);
        Path file = dir.resolve("nginx.conf");
        Files.writeString(file, conf);
        Process p = new ProcessBuilder(nginx().toString(), "-p", dir.toString(), "-c", file.toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("stdout.log").toFile()).start();
        awaitPort(port, p, dir.resolve("error.log"));
        return new Running("http://127.0.0.1:" + port, root, p);
    }

    /** turborepo-remote-cache with local storage in {@code dir/store}, accepting {@code token}, on a free port. */
    public static Running startTurborepoCache(Path dir, String token) throws Exception {
        Path store = Files.createDirectories(dir.resolve("store"));
        int port = freePort();
        ProcessBuilder pb = new ProcessBuilder("node", turborepoCacheScript().toString()).directory(dir.toFile())
                .redirectErrorStream(true).redirectOutput(dir.resolve("server.log").toFile());
        Map<String, String> env = pb.environment();
        env.put("PORT", Integer.toString(port));
        env.put("HOST", "127.0.0.1");
        env.put("TURBO_TOKEN", token);
        env.put("STORAGE_PROVIDER", "local");
        env.put("STORAGE_PATH", store.toString());
        env.put("STORAGE_PATH_USE_TMP_FOLDER", "false");
        env.put("LOG_LEVEL", "warn");
        env.put("NODE_ENV", "production");
        Process p = pb.start();
        awaitPort(port, p, dir.resolve("server.log"));
        return new Running("http://127.0.0.1:" + port, store, p);
    }

    public static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    /** Waits until {@code port} accepts connections (minutes on a loaded machine: node starts slowly). */
    private static void awaitPort(int port, Process p, Path log) throws Exception {
        long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
        while (System.nanoTime() < deadline) {
            if (!p.isAlive()) {
                throw new IllegalStateException("the server exited with " + p.exitValue() + ": " + read(log));
            }
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 1000);
                return;
            } catch (IOException notYet) {
                Thread.sleep(100); // polling a child process's port: there is nothing to latch on
            }
        }
        p.destroyForcibly();
        throw new IllegalStateException("the server did not listen on " + port + " within 2 minutes: " + read(log));
    }

    private static String read(Path log) {
        try {
            return Files.readString(log, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }
}
