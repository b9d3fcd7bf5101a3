package dev.munero.llm.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.munero.llm.ChatModel;
import dev.munero.llm.ChatRequest;
import dev.munero.llm.ChatResponse;
import dev.munero.llm.ContentBlock;
import dev.munero.llm.Message;
import dev.munero.llm.ModelRef;
import dev.munero.llm.ProviderException;
import dev.munero.llm.Providers;
import dev.munero.llm.StopReason;
import dev.munero.llm.ToolDefinition;
import dev.munero.llm.UserConfig;
import dev.munero.llm.fake.FakeLlmServer;
import dev.munero.llm.fake.Reply;
import dev.munero.llm.fake.RequestCheck;
import dev.munero.llm.resilience.RateLimits;
import dev.munero.llm.resilience.RetrySettings;
import dev.munero.llm.resilience.RetryingChatModel;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * The contract every provider passes, against a strict local fake of its API (non-streaming and SSE streaming):
 * text and tool-call turns, usage, retries on 429 (with {@code retry-after}), 5xx, overloaded and dropped
 * connections, no retries on 400, 401 and malformed JSON, and a missing key caught before any request.
 * Each subclass names the provider, its fake and its environment variables.
 */
abstract class ChatModelContract {
    static final String KEY = "sk-test-contract-key-0123456789";
    static final RetrySettings FAST = new RetrySettings(3, Duration.ofMillis(10), Duration.ofMillis(50), 0.2,
            Duration.ofMinutes(1));

    final List<RetryingChatModel.Retry> retries = new CopyOnWriteArrayList<>();

    abstract FakeLlmServer newServer();

    abstract ModelRef model();

    /** The environment that points the provider at the fake. */
    abstract Map<String, String> env(FakeLlmServer server);

    ChatModel open(FakeLlmServer server, boolean streaming) {
        var options = new Providers.Options(streaming, Duration.ofMinutes(2), FAST, RateLimits.NONE, retries::add);
        return Providers.open(model(), env(server), noUserConfig(), options);
    }

    static UserConfig noUserConfig() {
        return UserConfig.load(Map.of("MUNERO_CONFIG", "/nonexistent/munero/config.toml"));
    }

    static ToolDefinition readFileTool() {
        ObjectNode schema = JsonMapper.builder().build().createObjectNode().put("type", "object");
        schema.putObject("properties").putObject("path").put("type", "string").put("description", "a path");
        schema.putArray("required").add("path");
        return new ToolDefinition("read_file", "Reads a file.", schema);
    }

    static ChatRequest ask(String text) {
        return new ChatRequest("You are terse.", List.of(Message.user(text)), List.of(readFileTool()), 256);
    }

    FakeLlmServer start() throws Exception {
        return newServer().start();
    }

    @ParameterizedTest(name = "streaming={0}")
    @ValueSource(booleans = {false, true})
    void answersWithTextAndUsage(boolean streaming) throws Exception {
        try (var server = start()) {
            server.expect(RequestCheck.lastUserMessageContains("Say hi").and(RequestCheck.streaming(streaming)),
                    Reply.text("Hi there").usage(120, 7).cacheTokens(0, 80));

            ChatResponse response = open(server, streaming).chat(ask("Say hi"));

            assertThat(response.message().text()).isEqualTo("Hi there");
            assertThat(response.stopReason()).isEqualTo(StopReason.END_TURN);
            assertThat(response.usage().inputTokens()).isEqualTo(120);
            assertThat(response.usage().outputTokens()).isEqualTo(7);
            assertThat(response.usage().cacheReadTokens()).isEqualTo(80);
        }
    }

    @ParameterizedTest(name = "streaming={0}")
    @ValueSource(booleans = {false, true})
    void makesAToolCallTurnAndSendsTheResultBack(boolean streaming) throws Exception {
        try (var server = start()) {
            server.expect(RequestCheck.offersTool("read_file"),
                            Reply.toolCall("call_1", "read_file", "{\"path\":\"a.txt\"}").usage(30, 9))
                    .expect(RequestCheck.hasToolResult("call_1", "alpha"), Reply.text("It says alpha"));
            ChatModel model = open(server, streaming);

            ChatResponse first = model.chat(ask("What is in a.txt?"));
            assertThat(first.stopReason()).isEqualTo(StopReason.TOOL_USE);
            assertThat(first.message().toolCalls()).singleElement().satisfies(call -> {
                assertThat(call.id()).isEqualTo("call_1");
                assertThat(call.name()).isEqualTo("read_file");
                assertThat(JsonMapper.builder().build().readTree(call.argumentsJson()).path("path").asString())
                        .isEqualTo("a.txt");
            });

            ChatRequest second = new ChatRequest("You are terse.", List.of(Message.user("What is in a.txt?"),
                    first.message(), new Message(Message.Role.USER,
                            List.of(new ContentBlock.ToolResult("call_1", "alpha", false)))),
                    List.of(readFileTool()), 256);
            assertThat(model.chat(second).message().text()).isEqualTo("It says alpha");
        }
    }

    @ParameterizedTest(name = "streaming={0}")
    @ValueSource(booleans = {false, true})
    void retriesOn429HonouringRetryAfter(boolean streaming) throws Exception {
        try (var server = start()) {
            server.expect(Reply.error(429).retryAfterSeconds(1)).expect(Reply.text("ok"));

            ChatResponse response = open(server, streaming).chat(ask("hi"));

            assertThat(response.message().text()).isEqualTo("ok");
            assertThat(retries).singleElement().satisfies(retry -> {
                assertThat(retry.delay()).isEqualTo(Duration.ofSeconds(1));
                assertThat(retry.failure().kind()).isEqualTo(ProviderException.Kind.RATE_LIMITED);
            });
        }
    }

    @ParameterizedTest(name = "streaming={0}")
    @ValueSource(booleans = {false, true})
    void retriesServerErrorsOverloadAndDroppedConnectionsWithBackoff(boolean streaming) throws Exception {
        try (var server = start()) {
            server.expect(Reply.error(500)).expect(Reply.overloaded()).expect(Reply.dropConnection())
                    .expect(Reply.text("finally"));

            ChatResponse response = open(server, streaming).chat(ask("hi"));

            assertThat(response.message().text()).isEqualTo("finally");
            assertThat(retries).extracting(r -> r.failure().kind()).containsExactly(
                    ProviderException.Kind.SERVER_ERROR, overloadedKind(), ProviderException.Kind.CONNECTION);
            assertThat(retries).allSatisfy(r -> assertThat(r.delay()).isLessThanOrEqualTo(Duration.ofMillis(60)));
        }
    }

    /** What the provider's "overloaded" status maps to. */
    abstract ProviderException.Kind overloadedKind();

    @ParameterizedTest(name = "streaming={0}")
    @ValueSource(booleans = {false, true})
    void doesNotRetryABadRequest(boolean streaming) throws Exception {
        try (var server = start()) {
            server.expect(Reply.error(400).message("max_tokens: too large"));

            assertThatThrownBy(() -> open(server, streaming).chat(ask("hi")))
                    .isInstanceOfSatisfying(ProviderException.class, e -> {
                        assertThat(e.kind()).isEqualTo(ProviderException.Kind.INVALID_REQUEST);
                        assertThat(e.status()).hasValue(400);
                        assertThat(e.getMessage()).contains("max_tokens: too large");
                    });
            assertThat(retries).isEmpty();
        }
    }

    @ParameterizedTest(name = "streaming={0}")
    @ValueSource(booleans = {false, true})
    void doesNotRetryABadKeyAndNamesTheVariableButNotTheKey(boolean streaming) throws Exception {
        try (var server = start()) {
            server.expect(Reply.error(401));

            assertThatThrownBy(() -> open(server, streaming).chat(ask("hi")))
                    .isInstanceOfSatisfying(ProviderException.class, e -> {
                        assertThat(e.kind()).isEqualTo(ProviderException.Kind.AUTHENTICATION);
                        assertThat(e.getMessage()).contains(keyVariable()).doesNotContain(KEY);
                    });
            assertThat(retries).isEmpty();
        }
    }

    abstract String keyVariable();

    @ParameterizedTest(name = "streaming={0}")
    @ValueSource(booleans = {false, true})
    void doesNotRetryMalformedJson(boolean streaming) throws Exception {
        try (var server = start()) {
            server.expect(Reply.malformedJson());

            assertThatThrownBy(() -> open(server, streaming).chat(ask("hi")))
                    .isInstanceOfSatisfying(ProviderException.class, e ->
                            assertThat(e.kind()).isEqualTo(ProviderException.Kind.MALFORMED_RESPONSE));
            assertThat(retries).isEmpty();
        }
    }

    @ParameterizedTest(name = "streaming={0}")
    @ValueSource(booleans = {false, true})
    void givesUpAfterTheLastRetry(boolean streaming) throws Exception {
        try (var server = start()) {
            for (int i = 0; i <= FAST.maxRetries(); i++) {
                server.expect(Reply.error(500));
            }

            assertThatThrownBy(() -> open(server, streaming).chat(ask("hi")))
                    .isInstanceOfSatisfying(ProviderException.class, e ->
                            assertThat(e.kind()).isEqualTo(ProviderException.Kind.SERVER_ERROR));
            assertThat(retries).hasSize(FAST.maxRetries());
        }
    }

    @org.junit.jupiter.api.Test
    void aMissingKeyIsAnErrorNamingTheVariableBeforeAnyRequest() throws Exception {
        try (var server = start()) {
            Map<String, String> env = new java.util.HashMap<>(env(server));
            env.remove(keyVariable());

            assertThatThrownBy(() -> Providers.open(model(), env, noUserConfig(), Providers.Options.defaults()))
                    .isInstanceOfSatisfying(ProviderException.class, e -> {
                        assertThat(e.kind()).isEqualTo(ProviderException.Kind.CONFIGURATION);
                        assertThat(e.getMessage()).contains(keyVariable());
                    });
            assertThat(server.requests()).isEmpty();
        }
    }

    @org.junit.jupiter.api.Test
    void aConnectionFailureNamesTheUrlTheVariableItCameFromAndWhatToCheck() throws Exception { // issue 11.10
        // given a port nothing listens on
        int port;
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = socket.getLocalPort();
        }
        try (var server = start()) {
            String variable = Providers.baseUrlVariable(model().provider());
            Map<String, String> env = new java.util.HashMap<>(env(server));
            env.put(variable, "http://127.0.0.1:" + port + (model().provider().equals("openai") ? "/v1" : ""));
            var options = new Providers.Options(false, Duration.ofMinutes(2), FAST, RateLimits.NONE, retries::add);

            assertThatThrownBy(() -> Providers.open(model(), env, noUserConfig(), options).chat(ask("hi")))
                    .isInstanceOfSatisfying(ProviderException.class, e -> {
                        assertThat(e.kind()).isEqualTo(ProviderException.Kind.CONNECTION);
                        assertThat(e.getMessage()).contains("cannot reach http://127.0.0.1:" + port + "/v1 (from "
                                + variable + ")", "ConnectException", "Check with: curl http://127.0.0.1:" + port
                                + "/v1/models", "gave up after " + (FAST.maxRetries() + 1) + " attempts over");
                    });
            assertThat(server.requests()).isEmpty();
        }
    }

    @org.junit.jupiter.api.Test
    void aRetryAfterLongerThanTheCapSaysTheWaitAskedForWasTooLong() throws Exception { // issue 10
        try (var server = start()) {
            server.expect(Reply.error(429).retryAfterSeconds(150));

            assertThatThrownBy(() -> open(server, false).chat(ask("hi")))
                    .isInstanceOfSatisfying(ProviderException.class, e -> {
                        assertThat(e.kind()).isEqualTo(ProviderException.Kind.RATE_LIMITED);
                        assertThat(e.getMessage()).contains("the server asked to wait 2 min 30 s before retrying, "
                                + "longer than the 60 s Munero waits at most; try again later");
                    });
            assertThat(retries).isEmpty();
        }
    }

    @org.junit.jupiter.api.Test
    void aSuccessfulResponseOfTheWrongShapeSaysWhatIsMissing() throws Exception { // issue 10
        // given a server that answers every request with HTTP 200 and a JSON object without the reply's array
        com.sun.net.httpserver.HttpServer http = com.sun.net.httpserver.HttpServer.create(
                new java.net.InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), 0), 0);
        byte[] body = "{\"id\":\"msg_1\",\"type\":\"message\",\"model\":\"m\"}".getBytes(
                java.nio.charset.StandardCharsets.UTF_8);
        http.createContext("/", exchange -> {
            exchange.getRequestBody().readAllBytes();
            exchange.getResponseHeaders().add("content-type", "application/json");
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        http.start();
        try (var server = start()) {
            String variable = Providers.baseUrlVariable(model().provider());
            Map<String, String> env = new java.util.HashMap<>(env(server));
            env.put(variable, "http://127.0.0.1:" + http.getAddress().getPort() + "/v1");
            String array = model().provider().equals("anthropic") ? "content" : "choices";

            assertThatThrownBy(() -> Providers.open(model(), env, noUserConfig(), new Providers.Options(false,
                    Duration.ofMinutes(2), FAST, RateLimits.NONE, retries::add)).chat(ask("hi")))
                    .isInstanceOfSatisfying(ProviderException.class, e -> {
                        assertThat(e.kind()).isEqualTo(ProviderException.Kind.MALFORMED_RESPONSE);
                        assertThat(e.getMessage()).contains("the HTTP 200 response has no \"" + array + "\" array; "
                                + "it has the fields id, type, model", "(" + variable + ")")
                                .doesNotContain("NullPointerException");
                    });
            assertThat(retries).isEmpty();
        } finally {
            http.stop(0);
        }
    }
}
