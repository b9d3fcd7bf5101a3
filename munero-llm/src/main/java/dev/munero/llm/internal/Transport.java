package dev.munero.llm.internal;

import dev.langchain4j.exception.HttpException;
import dev.langchain4j.http.client.HttpClient;
import dev.langchain4j.http.client.HttpClientBuilder;
import dev.langchain4j.http.client.HttpRequest;
import dev.langchain4j.http.client.SuccessfulHttpResponse;
import dev.langchain4j.http.client.sse.ServerSentEventListener;
import dev.langchain4j.http.client.sse.ServerSentEventParser;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.function.UnaryOperator;

/**
 * LangChain4j's HTTP client SPI on the JDK's {@link java.net.http.HttpClient}, with what Munero needs and
 * LangChain4j's own JDK client lacks: error responses carry {@code retry-after} ({@link StatusException}), and
 * a hook rewrites each request body before it is sent (Anthropic's rolling cache breakpoint,
 * {@link CacheBreakpoints}). Connection failures surface as {@link IOException} causes, which
 * {@link Errors} classifies as retriable.
 *
 * <p>Thread-safe. Headers (which hold the API key) are never logged or put in exception messages.
 */
final class Transport implements HttpClient {
    private final java.net.http.HttpClient client;
    private final Duration readTimeout;
    private static final tools.jackson.databind.json.JsonMapper JSON =
            tools.jackson.databind.json.JsonMapper.builder().build();
    private final UnaryOperator<String> bodyRewriter;
    private final String replyArray;

    private Transport(java.net.http.HttpClient client, Duration readTimeout, UnaryOperator<String> bodyRewriter,
                      String replyArray) {
        this.client = client;
        this.readTimeout = readTimeout;
        this.bodyRewriter = bodyRewriter;
        this.replyArray = replyArray;
    }

    /**
     * A builder LangChain4j's models accept through {@code httpClientBuilder(...)}.
     *
     * @param replyArray the array field every successful (non-streaming) reply of the API has: {@code content} for
     *                   Anthropic's Messages API (https://docs.anthropic.com/en/api/messages), {@code choices} for
     *                   OpenAI's Chat Completions (https://platform.openai.com/docs/api-reference/chat/object). A
     *                   200 JSON object without it fails as a {@link WrongShape} instead of as a
     *                   NullPointerException deep in LangChain4j's mapper (issue 10).
     */
    static HttpClientBuilder builder(UnaryOperator<String> bodyRewriter, String replyArray) {
        return new Builder(bodyRewriter, replyArray);
    }

    @Override
    public SuccessfulHttpResponse execute(HttpRequest request) {
        try {
            HttpResponse<String> response = client.send(toJdk(request),
                    HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
            if (response.statusCode() / 100 != 2) {
                throw statusException(response, response.body());
            }
            checkShape(response.body());
            return SuccessfulHttpResponse.builder().statusCode(response.statusCode())
                    .headers(response.headers().map()).body(response.body()).build();
        } catch (IOException e) {
            throw new TransportFailure(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TransportFailure(e);
        }
    }

    @Override
    public void execute(HttpRequest request, ServerSentEventParser parser, ServerSentEventListener listener) {
        // LangChain4j's streaming models expect this to return at once and report through the listener
        Thread.ofVirtual().name("munero-sse").start(() -> {
            try {
                HttpResponse<InputStream> response = client.send(toJdk(request),
                        HttpResponse.BodyHandlers.ofInputStream());
                if (response.statusCode() / 100 != 2) {
                    String body;
                    try (InputStream in = response.body()) {
                        body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
                    }
                    listener.onError(statusException(response, body));
                    return;
                }
                listener.onOpen(SuccessfulHttpResponse.builder().statusCode(response.statusCode())
                        .headers(response.headers().map()).build());
                ValidatingListener validating = new ValidatingListener(listener);
                try (InputStream in = response.body()) {
                    parser.parse(in, validating);
                }
                if (!validating.failed) {
                    listener.onClose();
                }
            } catch (IOException e) {
                listener.onError(new TransportFailure(e));
            } catch (InterruptedException e) {
                listener.onError(new TransportFailure(e));
            } catch (RuntimeException e) {
                listener.onError(e);
            }
        });
    }

    private java.net.http.HttpRequest toJdk(HttpRequest request) {
        var builder = java.net.http.HttpRequest.newBuilder(URI.create(request.url()));
        request.headers().forEach((name, values) -> {
            if (values != null) {
                values.forEach(value -> builder.header(name, value));
            }
        });
        String body = request.body();
        if (body != null) {
            body = bodyRewriter.apply(body);
        }
        builder.method(request.method().name(), body == null
                ? java.net.http.HttpRequest.BodyPublishers.noBody()
                : java.net.http.HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
        if (readTimeout != null) {
            builder.timeout(readTimeout);
        }
        return builder.build();
    }

    /** Throws {@link WrongShape} when {@code body} is a JSON object without the reply array; not JSON is left to LangChain4j. */
    private void checkShape(String body) {
        tools.jackson.databind.JsonNode json;
        try {
            json = JSON.readTree(body == null ? "" : body);
        } catch (tools.jackson.core.JacksonException notJson) {
            return; // reported as "not valid JSON" by the caller's parser
        }
        if (json == null || json.isMissingNode()) {
            return;
        }
        if (!json.isObject()) {
            throw new WrongShape("the HTTP 200 response is JSON but not an object: " + excerpt(body));
        }
        if (!json.path(replyArray).isArray()) {
            throw new WrongShape("the HTTP 200 response has no \"" + replyArray + "\" array"
                    + (json.has(replyArray) ? " (it is " + json.get(replyArray).getNodeType().name().toLowerCase(
                    java.util.Locale.ROOT) + ")" : "") + "; it has " + (json.isEmpty() ? "no fields" : "the fields "
                    + String.join(", ", json.propertyNames())) + ": " + excerpt(body));
        }
    }

    private static String excerpt(String body) {
        String line = body.strip().replaceAll("\\s+", " ");
        return line.length() > 200 ? line.substring(0, 200) + "..." : line;
    }

    private static HttpException statusException(HttpResponse<?> response, String body) {
        Duration retryAfter = StatusException.parseRetryAfter(
                response.headers().firstValue("retry-after").orElse(null), Clock.systemUTC());
        return new StatusException(response.statusCode(), body, retryAfter);
    }

    /**
     * Passes events on only while each one's data is JSON (or the {@code [DONE]} sentinel of OpenAI streams).
     * LangChain4j's Anthropic streaming client skips an event it cannot parse and reports success with what is
     * left; a corrupt stream must fail instead, so the first bad event becomes the stream's error.
     */
    private static final class ValidatingListener implements ServerSentEventListener {
        private static final tools.jackson.databind.json.JsonMapper JSON =
                tools.jackson.databind.json.JsonMapper.builder().build();
        private final ServerSentEventListener delegate;
        volatile boolean failed;

        ValidatingListener(ServerSentEventListener delegate) {
            this.delegate = delegate;
        }

        @Override
        public void onOpen(SuccessfulHttpResponse response) {
            delegate.onOpen(response);
        }

        @Override
        public void onEvent(dev.langchain4j.http.client.sse.ServerSentEvent event) {
            if (failed) {
                return;
            }
            String data = event.data();
            if (data != null && !data.isBlank() && !data.strip().equals("[DONE]")) {
                try {
                    JSON.readTree(data);
                } catch (tools.jackson.core.JacksonException e) {
                    failed = true;
                    delegate.onError(new MalformedEvent(event.event(), e));
                    return;
                }
            }
            delegate.onEvent(event);
        }

        @Override
        public void onError(Throwable throwable) {
            if (!failed) {
                failed = true;
                delegate.onError(throwable);
            }
        }

        @Override
        public void onClose() {
            // the transport calls the delegate's onClose itself, once, when the stream ended cleanly
        }
    }

    /** A server-sent event whose data is not JSON. */
    static final class MalformedEvent extends RuntimeException {
        MalformedEvent(String eventType, Exception cause) {
            super("the " + (eventType == null ? "stream" : "'" + eventType + "'") + " event's data is not valid JSON: "
                    + cause.getMessage(), cause);
        }
    }

    /** A successful response whose JSON is not of the API's shape; the message says what is missing. */
    static final class WrongShape extends RuntimeException {
        WrongShape(String message) {
            super(message);
        }
    }

    /** A connection-level failure (refused, reset, cut mid-body, timed out); the cause says which. */
    static final class TransportFailure extends RuntimeException {
        TransportFailure(Exception cause) {
            super(cause.getClass().getSimpleName() + ": " + cause.getMessage(), cause);
        }
    }

    private static final class Builder implements HttpClientBuilder {
        private final UnaryOperator<String> bodyRewriter;
        private final String replyArray;
        private Duration connectTimeout = Duration.ofSeconds(10);
        private Duration readTimeout = Duration.ofMinutes(10);

        Builder(UnaryOperator<String> bodyRewriter, String replyArray) {
            this.bodyRewriter = bodyRewriter;
            this.replyArray = replyArray;
        }

        @Override
        public Duration connectTimeout() {
            return connectTimeout;
        }

        @Override
        public HttpClientBuilder connectTimeout(Duration timeout) {
            if (timeout != null) {
                connectTimeout = timeout;
            }
            return this;
        }

        @Override
        public Duration readTimeout() {
            return readTimeout;
        }

        @Override
        public HttpClientBuilder readTimeout(Duration timeout) {
            if (timeout != null) {
                readTimeout = timeout;
            }
            return this;
        }

        @Override
        public HttpClient build() {
            var jdk = java.net.http.HttpClient.newBuilder().connectTimeout(connectTimeout)
                    .version(java.net.http.HttpClient.Version.HTTP_1_1).build();
            return new Transport(jdk, readTimeout, bodyRewriter, replyArray);
        }
    }
}
