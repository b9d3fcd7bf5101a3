package dev.munero.server.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import io.javalin.Javalin;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashSet;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The dashboard's files as a browser gets them from the server: types, headers, and every module reachable. */
class DashboardFilesTest {
    private static final Pattern IMPORT = Pattern.compile("(?m)^import .* from '(\\./[^']+)';$");
    private static final Pattern ASSET = Pattern.compile("(?:href|src)=\"([^\"#]+)\"");

    private Javalin app;
    private final HttpClient http = HttpClient.newHttpClient();

    @BeforeEach
    void start() {
        app = Javalin.create(Dashboard::mount).start("127.0.0.1", 0);
    }

    @AfterEach
    void stop() {
        app.stop();
    }

    private HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + app.port() + path)).build(),
                HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    }

    @Test
    void theRootServesThePageWithAPolicyThatAllowsOnlyThisOrigin() throws Exception {
        HttpResponse<String> page = get("/");

        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.headers().firstValue("content-type")).hasValueSatisfying(t -> assertThat(t).startsWith("text/html"));
        assertThat(page.body()).contains("<title>Munero</title>", "js/app.js");
        assertThat(page.headers().firstValue("content-security-policy")).hasValueSatisfying(csp -> assertThat(csp)
                .contains("default-src 'none'", "script-src 'self'", "connect-src 'self'"));
        assertThat(page.headers().firstValue("x-content-type-options")).hasValue("nosniff");
    }

    @Test
    void everyFileThePageLoadsIsServedWithItsTypeAndNothingComesFromAnotherHost() throws Exception {
        HttpResponse<String> page = get("/");
        Set<String> seen = new HashSet<>();
        Deque<String> todo = new ArrayDeque<>();
        Matcher assets = ASSET.matcher(page.body());
        while (assets.find()) {
            String ref = assets.group(1);
            assertThat(ref).as("a reference in index.html").doesNotContain("//").doesNotStartWith("http");
            if (!ref.startsWith("data:")) {
                todo.add("/" + ref);
            }
        }
        while (!todo.isEmpty()) {
            String path = todo.poll();
            if (!seen.add(path)) {
                continue;
            }
            HttpResponse<String> file = get(path);
            assertThat(file.statusCode()).as(path).isEqualTo(200);
            String type = file.headers().firstValue("content-type").orElse("");
            if (path.endsWith(".js")) {
                // a module script served with another type is refused by the browser
                assertThat(type).as(path).matches("(text|application)/javascript.*");
                assertThat(file.body()).as(path + ": a URL of another host (the SVG namespace is a name, not a fetch)")
                        .doesNotContainPattern("https?://(?!www\\.w3\\.org/2000/svg)");
                assertThat(file.body()).as(path + ": markup from strings (run output must stay text)")
                        .doesNotContainPattern("\\.innerHTML\\s*=|outerHTML\\s*=|insertAdjacentHTML|document\\.write");
                Matcher imports = IMPORT.matcher(file.body());
                while (imports.find()) {
                    todo.add(path.substring(0, path.lastIndexOf('/') + 1) + imports.group(1).substring(2));
                }
            } else if (path.endsWith(".css")) {
                assertThat(type).as(path).startsWith("text/css");
                assertThat(file.body()).as(path).doesNotContain("url(http", "@import");
            }
        }
        assertThat(seen).contains("/app.css", "/js/app.js", "/js/run.js", "/js/runs.js", "/js/builds.js",
                "/js/api.js", "/js/timeline.js", "/js/graph.js", "/js/costchart.js");
        // every module in the folder is reachable from app.js: none is dead
        try (InputStream list = getClass().getResourceAsStream(Dashboard.FOLDER + "/js")) {
            if (list != null) {
                for (String name : new String(list.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                    if (name.endsWith(".js")) {
                        assertThat(seen).as("a module no page imports").contains("/js/" + name.strip());
                    }
                }
            }
        }
    }

    @Test
    void anUnknownFileIsNotFound() throws Exception {
        assertThat(get("/js/nope.js").statusCode()).isEqualTo(404);
    }
}
