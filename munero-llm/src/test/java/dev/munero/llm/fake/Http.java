package dev.munero.llm.fake;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** A plain JDK HTTP client for the fakes' own tests: what a provider does on the wire, without a provider. */
final class Http {
    private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private Http() {}

    /** POSTs {@code json} with {@code content-type: application/json} and the given header name/value pairs. */
    static HttpResponse<String> post(URI uri, String json, String... headers) throws IOException, InterruptedException {
        return CLIENT.send(request(uri, json, headers), HttpResponse.BodyHandlers.ofString());
    }

    /** Like {@link #post} but reads nothing yet: the body is the raw stream, so a cut shows when reading it. */
    static HttpResponse<java.io.InputStream> open(URI uri, String json, String... headers)
            throws IOException, InterruptedException {
        return CLIENT.send(request(uri, json, headers), HttpResponse.BodyHandlers.ofInputStream());
    }

    private static HttpRequest request(URI uri, String json, String... headers) {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(Duration.ofMinutes(2))
                .header("content-type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json));
        if (headers.length > 0) {
            request.headers(headers);
        }
        return request.build();
    }
}
