package dev.munero.llm.fake;

import static java.nio.charset.StandardCharsets.UTF_8;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalInt;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.MissingNode;

/**
 * A strict fake LLM server on 127.0.0.1 for contract tests: it answers a scripted FIFO queue of expectations and
 * fails the test on anything it does not expect.
 *
 * <p>Each request is matched to the next unused expectation, in order. It is recorded ({@link #requests()}), then
 * validated: method and path, no query string, {@code content-type: application/json}, the protocol's auth and
 * version headers, and the body against the protocol's strict field rules; then the expectation's
 * {@link RequestCheck} runs. If anything is wrong (including a request when no expectation is left), the problem
 * is recorded as a failure and the server answers 500 in the protocol's error format, naming the problem.
 * Otherwise it sends the expectation's {@link Reply}, as a chunked event stream when the request has
 * {@code "stream": true}. Invariant: while expectations remain, every request consumes exactly one, whether it
 * passes or fails, so one bad request never shifts the rest of the script onto the wrong requests.
 *
 * <p>{@link #close()} stops the server and throws an {@link AssertionError} listing every recorded failure and
 * every expectation that was never used, so a test holding the server in try-with-resources fails on any
 * unexpected or missing request:
 *
 * <pre>{@code
 * try (var server = new FakeAnthropicServer("test-key").start()) {
 *     server.expect(RequestCheck.lastUserMessageContains("hi"), Reply.text("Hello").usage(12, 3));
 *     ... call the provider with baseUrl server.baseUrl() and key "test-key" ...
 * }
 * }</pre>
 *
 * <p>Thread-safe: requests are handled on virtual threads; the queue, the records and the failures are guarded by
 * one lock.
 */
public abstract sealed class FakeLlmServer implements AutoCloseable permits FakeAnthropicServer, FakeOpenAiServer,
        FakeOpenAiResponsesServer, FakeGeminiServer {

    private static final String JSON = "application/json";
    private static final String EVENT_STREAM = "text/event-stream; charset=utf-8";
    /** What a malformed or dropped reply carries before it breaks. */
    private static final Reply.Message SAMPLE = Reply.text("This reply is cut short before it ends.");

    private final WireProtocol protocol;
    private final Object lock = new Object();
    private final Deque<Expectation> pending = new ArrayDeque<>();
    private final List<RecordedRequest> requests = new ArrayList<>();
    private final List<String> failures = new ArrayList<>();
    private final List<String> warmUps = new ArrayList<>();
    private final List<Reply.Stall> stalls = new ArrayList<>();
    private int expectationCount;
    private HttpServer server;
    private ExecutorService executor;
    private boolean closed;

    private record Expectation(int number, RequestCheck check, Reply reply) {}

    FakeLlmServer(WireProtocol protocol) {
        this.protocol = protocol;
    }

    /**
     * Binds 127.0.0.1 on a free port and starts serving.
     *
     * @throws IOException           if the port cannot be bound
     * @throws IllegalStateException if already started or closed
     */
    public FakeLlmServer start() throws IOException {
        synchronized (lock) {
            if (server != null || closed) {
                throw new IllegalStateException(name() + " can be started once, and is already "
                        + (closed ? "closed" : "started"));
            }
            server = HttpServer.create(
                    new InetSocketAddress(InetAddress.getByAddress(new byte[] {127, 0, 0, 1}), 0), 0);
            executor = Executors.newVirtualThreadPerTaskExecutor();
            server.setExecutor(executor);
            server.createContext("/", this::handle);
            server.start();
            return this;
        }
    }

    /**
     * The API base URL, {@code http://127.0.0.1:<port>/v1}, as the providers' base URLs end in {@code /v1}
     * ({@code https://api.openai.com/v1}; LangChain4j's Anthropic default {@code https://api.anthropic.com/v1/}).
     *
     * @throws IllegalStateException if not started
     */
    public String baseUrl() {
        synchronized (lock) {
            if (server == null) {
                throw new IllegalStateException(name() + " is not started; call start() first");
            }
            return "http://127.0.0.1:" + server.getAddress().getPort() + "/v1";
        }
    }

    /** The full URI of the one endpoint, e.g. {@code http://127.0.0.1:<port>/v1/messages}. */
    public URI endpoint() {
        return URI.create(baseUrl() + protocol.endpointPath().substring("/v1".length()));
    }

    /** Queues an expectation: the next unmatched request must pass {@code check} and gets {@code reply}. */
    public FakeLlmServer expect(RequestCheck check, Reply reply) {
        synchronized (lock) {
            pending.add(new Expectation(++expectationCount, check, reply));
        }
        return this;
    }

    /** Queues an expectation that accepts any request passing the protocol validation. */
    public FakeLlmServer expect(Reply reply) {
        return expect(RequestCheck.any(), reply);
    }

    /** Every request received so far, in arrival order (also those that failed). */
    public List<RecordedRequest> requests() {
        synchronized (lock) {
            return List.copyOf(requests);
        }
    }

    /** Every connection warm-up received so far ({@code METHOD path}), in order; see {@code WireProtocol.isWarmUp}. */
    public List<String> warmUps() {
        synchronized (lock) {
            return List.copyOf(warmUps);
        }
    }

    /** Every failure recorded so far, in order. */
    public List<String> failures() {
        synchronized (lock) {
            return List.copyOf(failures);
        }
    }

    /** @throws AssertionError listing the failures recorded so far, if any (unused expectations do not count) */
    public void assertNoFailures() {
        List<String> found = failures();
        if (!found.isEmpty()) {
            throw new AssertionError(report(found));
        }
    }

    /**
     * Stops the server (an in-flight response is cut) and checks the script was followed. Calling it again does
     * nothing.
     *
     * @throws AssertionError listing every recorded failure and every expectation that was never used
     */
    @Override
    public void close() {
        HttpServer running;
        synchronized (lock) {
            if (closed) {
                return;
            }
            closed = true;
            running = server;
            stalls.forEach(Reply.Stall::release);
        }
        if (running != null) {
            running.stop(0);
            executor.shutdown();
        }
        List<String> problems = new ArrayList<>(failures());
        synchronized (lock) {
            for (Expectation unused : pending) {
                problems.add("expectation #" + unused.number() + " was never used (no request came for it); it would"
                        + " have replied " + unused.reply());
            }
        }
        if (!problems.isEmpty()) {
            throw new AssertionError(report(problems));
        }
    }

    private String report(List<String> problems) {
        StringBuilder text = new StringBuilder(name() + " found " + problems.size() + " problem(s):");
        for (int i = 0; i < problems.size(); i++) {
            text.append("\n").append(i + 1).append(". ").append(problems.get(i));
        }
        return text.toString();
    }

    private String name() {
        return getClass().getSimpleName();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try {
            handleStrictly(exchange);
        } catch (RuntimeException bug) {
            synchronized (lock) {
                failures.add("the fake itself failed on a request (a bug in the fake): " + bug);
            }
            exchange.close();
            throw bug;
        }
    }

    private void handleStrictly(HttpExchange exchange) throws IOException {
        if (rawQuery(exchange).isEmpty()
                && protocol.isWarmUp(exchange.getRequestMethod(), exchange.getRequestURI().getRawPath())) {
            exchange.getRequestBody().readAllBytes();
            synchronized (lock) {
                warmUps.add(exchange.getRequestMethod() + " " + exchange.getRequestURI().getRawPath());
            }
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
            return;
        }
        String body = new String(exchange.getRequestBody().readAllBytes(), UTF_8);
        JsonNode json;
        String parseError = null;
        try {
            json = Json.parse(body);
        } catch (JacksonException e) {
            json = MissingNode.getInstance();
            parseError = e.getOriginalMessage();
        }
        if (json.isMissingNode() && parseError == null) {
            parseError = "the body is empty";
        }
        RecordedRequest request;
        Expectation expectation;
        synchronized (lock) {
            request = new RecordedRequest(requests.size() + 1, exchange.getRequestMethod(),
                    exchange.getRequestURI().getRawPath(), rawQuery(exchange), lowercased(exchange), body, json,
                    protocol.summarize(exchange.getRequestURI().getRawPath(), rawQuery(exchange), json));
            requests.add(request);
            expectation = pending.poll();
        }
        List<String> problems = new ArrayList<>();
        if (expectation == null) {
            problems.add("unexpected request: all " + expectationCount + " expectation(s) were already used");
        } else {
            validate(request, parseError, problems);
            if (problems.isEmpty()) {
                try {
                    expectation.check().verify(request);
                } catch (Exception | AssertionError e) {
                    problems.add("check failed: " + (e instanceof AssertionError ? "" : e.getClass().getName() + ": ")
                            + e.getMessage());
                }
            }
        }
        if (problems.isEmpty()) {
            reply(exchange, expectation.reply(), request);
            return;
        }
        String failure = request + (expectation == null ? "" : " for expectation #" + expectation.number()) + ":\n   "
                + String.join("\n   ", problems) + "\n   body: " + abbreviate(body);
        synchronized (lock) {
            failures.add(failure);
        }
        var error = protocol.error(new Reply.HttpError(Reply.ErrorKind.SERVER, OptionalInt.of(500),
                "munero fake server rejected " + failure, OptionalInt.empty()), request);
        send(exchange, error.status(), JSON, error.headers(), error.body());
    }

    private void validate(RecordedRequest request, String parseError, List<String> problems) {
        if (!request.method().equals("POST")) {
            problems.add("expected method POST, got " + request.method());
        }
        if (!protocol.acceptsPath(request.path())) {
            problems.add("expected path " + protocol.endpointPath() + ", got " + request.path());
        }
        if (!protocol.allowsQuery(request.query())) {
            problems.add("expected no query string, got ?" + request.query());
        }
        String target = protocol.acceptsPath(request.path()) && protocol.allowsQuery(request.query())
                ? protocol.targetProblem(request.path(), request.query()) : null;
        if (target != null) {
            problems.add(target);
        }
        String mediaType = request.header("content-type").map(v -> v.split(";", 2)[0].strip().toLowerCase(Locale.ROOT))
                .orElse(null);
        if (!JSON.equals(mediaType)) {
            problems.add("header content-type: expected " + JSON + ", got " + request.header("content-type")
                    .map(v -> "\"" + v + "\"").orElse("none"));
        }
        protocol.requiredHeaders().forEach((name, expected) -> {
            String actual = request.header(name).orElse(null);
            if (!expected.equals(actual)) {
                problems.add("header " + name + ": expected \"" + expected + "\", got "
                        + (actual == null ? "none" : "\"" + actual + "\""));
            }
        });
        if (parseError != null) {
            problems.add("body is not valid JSON: " + parseError);
        } else {
            Problems bodyProblems = new Problems();
            protocol.validateBody(request.json(), bodyProblems);
            bodyProblems.list().forEach(problem -> problems.add("body: " + problem));
        }
    }

    private void reply(HttpExchange exchange, Reply reply, RecordedRequest request) throws IOException {
        boolean streaming = request.summary().streaming();
        switch (reply) {
            case Reply.Message message when streaming -> sendEvents(exchange, protocol.messageEvents(message, request));
            case Reply.Message message -> send(exchange, 200, JSON, Map.of(), protocol.messageJson(message, request));
            case Reply.HttpError error -> {
                var response = protocol.error(error, request);
                send(exchange, response.status(), JSON, response.headers(), response.body());
            }
            case Reply.MalformedJson malformed when streaming -> {
                List<String> events = new ArrayList<>(protocol.messageEvents(SAMPLE, request));
                events.set(0, truncateData(events.getFirst()));
                sendEvents(exchange, events);
            }
            case Reply.MalformedJson malformed -> {
                String json = protocol.messageJson(SAMPLE, request);
                send(exchange, 200, JSON, Map.of(), json.substring(0, json.length() / 2));
            }
            case Reply.Stall stall -> stall(exchange, streaming ? protocol.messageEvents(stall.message(), request)
                    : List.of(), stall);
            case Reply.DropConnection drop when streaming -> {
                List<String> events = protocol.messageEvents(SAMPLE, request);
                drop(exchange, EVENT_STREAM, String.join("", events),
                        String.join("", events.subList(0, Math.max(1, events.size() / 2))));
            }
            case Reply.DropConnection drop -> {
                String json = protocol.messageJson(SAMPLE, request);
                drop(exchange, JSON, json, json.substring(0, json.length() / 2));
            }
        }
    }

    /**
     * Sends the first {@code stall.events()} of {@code events} (none when empty: a request that does not stream),
     * then holds the exchange open until the stall is released or the server closes, then closes it unfinished.
     */
    private void stall(HttpExchange exchange, List<String> events, Reply.Stall stall) throws IOException {
        synchronized (lock) {
            stalls.add(stall);
            if (closed) {
                stall.release();
            }
        }
        try {
            if (!events.isEmpty()) {
                exchange.getResponseHeaders().set("content-type", EVENT_STREAM);
                exchange.getResponseHeaders().set("cache-control", "no-cache");
                exchange.sendResponseHeaders(200, 0);
                OutputStream out = exchange.getResponseBody();
                for (String event : events.subList(0, Math.min(stall.events(), events.size()))) {
                    out.write(event.getBytes(UTF_8));
                }
                out.flush();
            }
        } catch (IOException clientWentAway) {
            // the client stopped reading; the stall still holds until released
        } finally {
            stall.started().countDown();
        }
        try {
            stall.released().await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        exchange.close();
    }

    /** Cuts the JSON on the {@code data:} line of one SSE event in half, keeping the event well-framed. */
    private static String truncateData(String event) {
        int data = event.indexOf("data: ") + "data: ".length();
        int end = event.indexOf('\n', data);
        return event.substring(0, data + (end - data) / 2) + event.substring(end);
    }

    private static void send(HttpExchange exchange, int status, String contentType, Map<String, String> headers,
            String body) throws IOException {
        byte[] bytes = body.getBytes(UTF_8);
        exchange.getResponseHeaders().set("content-type", contentType);
        headers.forEach((name, value) -> exchange.getResponseHeaders().set(name, value));
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    /** Sends the events chunked, flushing after each, as a live stream would arrive. */
    private static void sendEvents(HttpExchange exchange, List<String> events) throws IOException {
        exchange.getResponseHeaders().set("content-type", EVENT_STREAM);
        exchange.getResponseHeaders().set("cache-control", "no-cache");
        exchange.sendResponseHeaders(200, 0);
        try (OutputStream out = exchange.getResponseBody()) {
            for (String event : events) {
                out.write(event.getBytes(UTF_8));
                out.flush();
            }
        } catch (IOException clientWentAway) {
            // A client may stop reading a stream it no longer needs; that is its business, not a protocol error.
        }
    }

    /**
     * Announces {@code full}'s length, writes only {@code prefix} and closes the exchange without closing its body
     * stream first: the JDK server then finds the body short and closes the TCP connection
     * ({@code sun.net.httpserver.ExchangeImpl.close}), so the client reads a premature EOF.
     */
    private static void drop(HttpExchange exchange, String contentType, String full, String prefix)
            throws IOException {
        exchange.getResponseHeaders().set("content-type", contentType);
        exchange.sendResponseHeaders(200, full.getBytes(UTF_8).length);
        OutputStream out = exchange.getResponseBody();
        out.write(prefix.getBytes(UTF_8));
        out.flush();
        exchange.close();
    }

    private static String rawQuery(HttpExchange exchange) {
        String query = exchange.getRequestURI().getRawQuery();
        return query == null ? "" : query;
    }

    private static Map<String, List<String>> lowercased(HttpExchange exchange) {
        Map<String, List<String>> headers = new LinkedHashMap<>();
        exchange.getRequestHeaders().forEach((name, values) -> headers
                .computeIfAbsent(name.toLowerCase(Locale.ROOT), k -> new ArrayList<>()).addAll(values));
        return headers;
    }

    private static String abbreviate(String body) {
        return body.length() <= 2_000 ? body : body.substring(0, 2_000) + "... (" + body.length() + " chars)";
    }
}
