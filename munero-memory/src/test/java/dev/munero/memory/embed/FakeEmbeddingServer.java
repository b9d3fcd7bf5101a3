package dev.munero.memory.embed;

import static java.nio.charset.StandardCharsets.UTF_8;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Function;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * A strict fake embedding server on 127.0.0.1, in the house pattern of munero-llm's {@code dev.munero.llm.fake}
 * servers: a FIFO queue of expected requests, each validated against the wire protocol of the API reference, and
 * {@link #close()} throws an {@link AssertionError} listing every problem and every expectation never used. A
 * request that breaks the protocol (wrong method or path, a query string, a missing or wrong content type or key,
 * an unknown body field, a wrong type) is recorded as a failure and answered 500.
 *
 * <ul>
 *   <li>{@link Protocol#OPENAI}: {@code POST /v1/embeddings}, {@code Authorization: Bearer <key>}, body fields
 *       {@code input} (a string or an array of 1 to 2,048 non-empty strings), {@code model} (required),
 *       {@code encoding_format} ({@code float} or {@code base64}), {@code dimensions} (positive integer),
 *       {@code user}; reply {@code {"object":"list","data":[{"object":"embedding","index":i,"embedding":[...]}],
 *       "model":...,"usage":{"prompt_tokens":n,"total_tokens":n}}}
 *       (https://platform.openai.com/docs/api-reference/embeddings).</li>
 *   <li>{@link Protocol#OLLAMA}: {@code POST /api/embed}, no Authorization header, body fields {@code model}
 *       (required), {@code input} (a string or an array of strings), {@code truncate}, {@code options},
 *       {@code keep_alive}, {@code dimensions}; reply {@code {"model":...,"embeddings":[[...]],"total_duration":n,
 *       "load_duration":n,"prompt_eval_count":n}}; errors {@code {"error":"..."}}
 *       (https://github.com/ollama/ollama/blob/main/docs/api.md#generate-embeddings).</li>
 * </ul>
 *
 * <p>Thread-safe: the queue, the records and the failures are guarded by one lock.
 */
public final class FakeEmbeddingServer implements AutoCloseable {
    static final JsonMapper JSON = JsonMapper.builder().build();

    public enum Protocol { OPENAI, OLLAMA }

    /** What to answer: vectors computed from the request's texts, or an error status and body. */
    public record Reply(Function<String, float[]> vectors, boolean reversed, int status, String body) {
        public static Reply vectors(Function<String, float[]> vectors) {
            return new Reply(vectors, false, 200, null);
        }

        /** OpenAI only: the {@code data} items in reverse order, which a client must put back by {@code index}. */
        public static Reply vectorsReversed(Function<String, float[]> vectors) {
            return new Reply(vectors, true, 200, null);
        }

        public static Reply error(int status, String body) {
            return new Reply(null, false, status, body);
        }
    }

    private final Protocol protocol;
    private final String key;
    private final Object lock = new Object();
    private final Deque<Reply> pending = new ArrayDeque<>();
    private final List<JsonNode> bodies = new ArrayList<>();
    private final List<String> failures = new ArrayList<>();
    private boolean any;
    private Reply anyReply;
    private HttpServer server;
    private ExecutorService executor;

    /** @param key the bearer key OpenAI requests must carry; ignored for Ollama */
    public FakeEmbeddingServer(Protocol protocol, String key) {
        this.protocol = protocol;
        this.key = key;
    }

    public FakeEmbeddingServer start() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        executor = Executors.newVirtualThreadPerTaskExecutor();
        server.setExecutor(executor);
        server.createContext("/", this::handle);
        server.start();
        return this;
    }

    /** The root a client is configured with: {@code http://127.0.0.1:PORT/v1} for OpenAI, without /v1 for Ollama. */
    public String baseUrl() {
        String root = "http://127.0.0.1:" + server.getAddress().getPort();
        return protocol == Protocol.OPENAI ? root + "/v1" : root;
    }

    /** Expects one more request, answered with {@code reply}. */
    public FakeEmbeddingServer expect(Reply reply) {
        synchronized (lock) {
            pending.add(reply);
        }
        return this;
    }

    /** Answers any number of valid requests (none required) with {@code reply}, after the queued ones. */
    public FakeEmbeddingServer expectAny(Reply reply) {
        synchronized (lock) {
            any = true;
            anyReply = reply;
        }
        return this;
    }

    /** The bodies of the requests received, in order. */
    public List<JsonNode> bodies() {
        synchronized (lock) {
            return List.copyOf(bodies);
        }
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String raw = new String(exchange.getRequestBody().readAllBytes(), UTF_8);
            Reply reply;
            List<String> problems = new ArrayList<>();
            JsonNode body = null;
            try {
                body = JSON.readTree(raw);
            } catch (RuntimeException e) {
                problems.add("the body is not JSON: " + raw);
            }
            synchronized (lock) {
                bodies.add(body);
                reply = pending.poll();
                if (reply == null && any) {
                    reply = anyReply;
                }
            }
            if (reply == null) {
                problems.add("no request was expected, got " + exchange.getRequestMethod() + " "
                        + exchange.getRequestURI());
            }
            validate(exchange, body, problems);
            if (!problems.isEmpty()) {
                fail(exchange, problems);
                return;
            }
            if (reply.vectors() == null) {
                send(exchange, reply.status(), reply.body());
                return;
            }
            send(exchange, 200, JSON.writeValueAsString(answer(body, reply)));
        }
    }

    private void validate(HttpExchange exchange, JsonNode body, List<String> problems) {
        String path = protocol == Protocol.OPENAI ? "/v1/embeddings" : "/api/embed";
        if (!exchange.getRequestMethod().equals("POST") || !exchange.getRequestURI().getPath().equals(path)) {
            problems.add("expected POST " + path + ", got " + exchange.getRequestMethod() + " "
                    + exchange.getRequestURI().getPath());
        }
        if (exchange.getRequestURI().getRawQuery() != null) {
            problems.add("unexpected query string: " + exchange.getRequestURI().getRawQuery());
        }
        String type = exchange.getRequestHeaders().getFirst("Content-Type");
        if (type == null || !type.toLowerCase(Locale.ROOT).startsWith("application/json")) {
            problems.add("Content-Type is " + type + ", not application/json");
        }
        String auth = exchange.getRequestHeaders().getFirst("Authorization");
        if (protocol == Protocol.OPENAI && !("Bearer " + key).equals(auth)) {
            problems.add("Authorization is not 'Bearer <the test key>'");
        }
        if (protocol == Protocol.OLLAMA && auth != null) {
            problems.add("Ollama takes no Authorization header, got one");
        }
        if (body == null || !body.isObject()) {
            problems.add("the body is not a JSON object");
            return;
        }
        Set<String> known = protocol == Protocol.OPENAI
                ? Set.of("input", "model", "encoding_format", "dimensions", "user")
                : Set.of("model", "input", "truncate", "options", "keep_alive", "dimensions");
        for (String field : body.propertyNames()) {
            if (!known.contains(field)) {
                problems.add("unknown body field '" + field + "'");
            }
        }
        if (!body.path("model").isString() || body.path("model").asString().isBlank()) {
            problems.add("'model' is missing or not a non-empty string");
        }
        List<String> texts = texts(body);
        if (texts == null) {
            problems.add("'input' is not a string or an array of non-empty strings: " + body.get("input"));
        } else if (protocol == Protocol.OPENAI && texts.size() > 2048) {
            problems.add("'input' has " + texts.size() + " items, more than the API's 2048");
        }
        if (protocol == Protocol.OPENAI && body.has("encoding_format")
                && !Set.of("float", "base64").contains(body.path("encoding_format").asString(""))) {
            problems.add("'encoding_format' is not float or base64: " + body.get("encoding_format"));
        }
        if (body.has("dimensions") && !(body.get("dimensions").isInt() && body.get("dimensions").asInt() > 0)) {
            problems.add("'dimensions' is not a positive integer: " + body.get("dimensions"));
        }
    }

    private static List<String> texts(JsonNode body) {
        JsonNode input = body.get("input");
        if (input != null && input.isString() && !input.asString().isEmpty()) {
            return List.of(input.asString());
        }
        if (input == null || !input.isArray() || input.isEmpty()) {
            return null;
        }
        List<String> texts = new ArrayList<>();
        for (JsonNode item : input) {
            if (!item.isString() || item.asString().isEmpty()) {
                return null;
            }
            texts.add(item.asString());
        }
        return texts;
    }

    private ObjectNode answer(JsonNode body, Reply reply) {
        List<String> texts = texts(body);
        ObjectNode out = JSON.createObjectNode();
        int tokens = texts.stream().mapToInt(t -> t.split("\\s+").length).sum();
        if (protocol == Protocol.OPENAI) {
            out.put("object", "list");
            ArrayNode data = out.putArray("data");
            for (int n = 0; n < texts.size(); n++) {
                int i = reply.reversed() ? texts.size() - 1 - n : n;
                ObjectNode item = data.addObject();
                item.put("object", "embedding");
                item.put("index", i);
                floats(item.putArray("embedding"), reply.vectors().apply(texts.get(i)));
            }
            out.put("model", body.path("model").asString());
            out.putObject("usage").put("prompt_tokens", tokens).put("total_tokens", tokens);
        } else {
            out.put("model", body.path("model").asString());
            ArrayNode embeddings = out.putArray("embeddings");
            texts.forEach(t -> floats(embeddings.addArray(), reply.vectors().apply(t)));
            out.put("total_duration", 14143917L).put("load_duration", 1019500L).put("prompt_eval_count", tokens);
        }
        return out;
    }

    private static void floats(ArrayNode array, float[] vector) {
        for (float f : vector) {
            array.add(f);
        }
    }

    private void fail(HttpExchange exchange, List<String> problems) throws IOException {
        synchronized (lock) {
            failures.addAll(problems);
        }
        ObjectNode error = JSON.createObjectNode();
        String message = "fake " + protocol + " server: " + String.join("; ", problems);
        if (protocol == Protocol.OPENAI) {
            error.putObject("error").put("message", message).put("type", "invalid_request_error");
        } else {
            error.put("error", message);
        }
        send(exchange, 500, JSON.writeValueAsString(error));
    }

    private static void send(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Override
    public void close() {
        server.stop(0);
        executor.close();
        List<String> problems;
        synchronized (lock) {
            problems = new ArrayList<>(failures);
            if (!pending.isEmpty()) {
                problems.add(pending.size() + " expected request(s) never came");
            }
        }
        if (!problems.isEmpty()) {
            throw new AssertionError("fake " + protocol + " server: " + String.join("\n", problems));
        }
    }
}
