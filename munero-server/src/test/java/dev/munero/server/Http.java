package dev.munero.server;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import tools.jackson.databind.JsonNode;

/** A real HTTP client for a server on 127.0.0.1: requests, and their JSON. */
final class Http {
    final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofMinutes(1)).build();
    final String base;

    Http(MuneroServer server) {
        this.base = "http://127.0.0.1:" + server.port();
    }

    /** A response: status, content type and body. */
    record Response(int status, String contentType, String body) {
        JsonNode json() {
            return Json.MAPPER.readTree(body);
        }
    }

    Response get(String path) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(URI.create(base + path)).GET());
    }

    Response post(String path, String json) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(URI.create(base + path)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)));
    }

    Response send(String method, String path) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(URI.create(base + path)).method(method,
                HttpRequest.BodyPublishers.noBody()));
    }

    private Response send(HttpRequest.Builder request) throws IOException, InterruptedException {
        HttpResponse<String> r = client.send(request.timeout(Duration.ofMinutes(2)).build(),
                HttpResponse.BodyHandlers.ofString());
        return new Response(r.statusCode(), r.headers().firstValue("Content-Type").orElse(""), r.body());
    }
}
