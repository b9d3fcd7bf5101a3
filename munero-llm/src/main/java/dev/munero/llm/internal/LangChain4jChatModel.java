package dev.munero.llm.internal;

import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.agent.tool.ToolSpecification;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.ToolExecutionResultMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.anthropic.AnthropicChatModel;
import dev.langchain4j.model.anthropic.AnthropicChatRequestParameters;
import dev.langchain4j.model.anthropic.AnthropicStreamingChatModel;
import dev.langchain4j.model.anthropic.AnthropicTokenUsage;
import dev.langchain4j.model.chat.StreamingChatModel;
import dev.langchain4j.model.chat.request.ChatRequestParameters;
import dev.langchain4j.model.chat.response.StreamingChatResponseHandler;
import dev.langchain4j.model.openai.OpenAiChatModel;
import dev.langchain4j.model.openai.OpenAiChatRequestParameters;
import dev.langchain4j.model.openai.OpenAiStreamingChatModel;
import dev.langchain4j.model.openai.OpenAiTokenUsage;
import dev.langchain4j.model.output.FinishReason;
import dev.langchain4j.model.output.TokenUsage;
import dev.munero.llm.ChatModel;
import dev.munero.llm.ChatRequest;
import dev.munero.llm.ChatResponse;
import dev.munero.llm.ContentBlock;
import dev.munero.llm.Message;
import dev.munero.llm.ModelRef;
import dev.munero.llm.ProviderException;
import dev.munero.llm.StopReason;
import dev.munero.llm.StreamListener;
import dev.munero.llm.ToolDefinition;
import dev.munero.llm.Usage;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.function.UnaryOperator;

/**
 * A {@link ChatModel} on LangChain4j's low-level chat models: {@code AnthropicChatModel} /
 * {@code AnthropicStreamingChatModel} for the Anthropic Messages API, {@code OpenAiChatModel} /
 * {@code OpenAiStreamingChatModel} for OpenAI Chat Completions and compatible servers (Ollama). LangChain4j's
 * own retries are off ({@code maxRetries(0)}); Munero's {@code RetryingChatModel} retries with the server's
 * {@code retry-after}, which LangChain4j does not see.
 *
 * <p>Thread-safe: LangChain4j's models are.
 */
public final class LangChain4jChatModel implements ChatModel {

    /**
     * Where and how to reach a provider.
     *
     * @param baseUrl     the API root LangChain4j expects, e.g. {@code https://api.anthropic.com/v1},
     *                    {@code https://api.openai.com/v1}, {@code http://127.0.0.1:11434/v1}
     * @param apiKey      the key; never logged
     * @param keyVariable the environment variable the key came from, named in authentication errors; may be null
     * @param timeout     the longest a whole call may take
     * @param streaming   whether to use the streaming (SSE) endpoint
     * @param baseUrlFrom where {@code baseUrl} came from, named in connection errors: a variable
     *                    ({@code OLLAMA_HOST}), {@code base_url in FILE}, or {@code the default}
     * @param baseUrlVariable the variable that would set {@code baseUrl}, e.g. {@code ANTHROPIC_BASE_URL}
     */
    public record Connection(String baseUrl, String apiKey, String keyVariable, Duration timeout, boolean streaming,
                             String baseUrlFrom, String baseUrlVariable) {
        @Override
        public String toString() {
            return "Connection[baseUrl=" + baseUrl + ", streaming=" + streaming + "]";
        }
    }

    private final ModelRef model;
    private final Connection connection;
    private final dev.langchain4j.model.chat.ChatModel blocking;
    private final StreamingChatModel streaming;

    public LangChain4jChatModel(ModelRef model, Connection connection) {
        this.model = model;
        this.connection = connection;
        UnaryOperator<String> rewriter = model.provider().equals("anthropic")
                ? CacheBreakpoints::addRolling : UnaryOperator.identity();
        var http = Transport.builder(rewriter, model.provider().equals("anthropic") ? "content" : "choices");
        if (model.provider().equals("anthropic")) {
            if (connection.streaming()) {
                streaming = AnthropicStreamingChatModel.builder().httpClientBuilder(http)
                        .baseUrl(connection.baseUrl()).apiKey(connection.apiKey()).modelName(model.model())
                        .cacheSystemMessages(true).cacheTools(true).timeout(connection.timeout())
                        .logRequests(false).logResponses(false).build();
                blocking = null;
            } else {
                blocking = AnthropicChatModel.builder().httpClientBuilder(http)
                        .baseUrl(connection.baseUrl()).apiKey(connection.apiKey()).modelName(model.model())
                        .cacheSystemMessages(true).cacheTools(true).timeout(connection.timeout()).maxRetries(0)
                        .logRequests(false).logResponses(false).build();
                streaming = null;
            }
        } else if (connection.streaming()) {
            streaming = OpenAiStreamingChatModel.builder().httpClientBuilder(http).baseUrl(connection.baseUrl())
                    .apiKey(connection.apiKey()).modelName(model.model()).timeout(connection.timeout())
                    .logRequests(false).logResponses(false).build();
            blocking = null;
        } else {
            blocking = OpenAiChatModel.builder().httpClientBuilder(http).baseUrl(connection.baseUrl())
                    .apiKey(connection.apiKey()).modelName(model.model()).timeout(connection.timeout())
                    .maxRetries(0).logRequests(false).logResponses(false).build();
            streaming = null;
        }
    }

    @Override
    public ModelRef model() {
        return model;
    }

    @Override
    public ChatResponse chat(ChatRequest request, StreamListener listener) throws InterruptedException {
        var lcRequest = toLangChain(request);
        dev.langchain4j.model.chat.response.ChatResponse response;
        try {
            response = blocking != null ? blocking.chat(lcRequest) : stream(lcRequest, listener);
        } catch (InterruptedException e) {
            throw e;
        } catch (RuntimeException e) {
            if (Thread.currentThread().isInterrupted()) {
                throw new InterruptedException("interrupted during a call to " + model);
            }
            throw Errors.classify(e, model, connection);
        }
        return fromLangChain(response);
    }

    private dev.langchain4j.model.chat.response.ChatResponse stream(
            dev.langchain4j.model.chat.request.ChatRequest request, StreamListener listener)
            throws InterruptedException {
        var done = new CompletableFuture<dev.langchain4j.model.chat.response.ChatResponse>();
        streaming.chat(request, new StreamingChatResponseHandler() {
            @Override
            public void onPartialResponse(String text) {
                listener.onText(text);
            }

            @Override
            public void onCompleteResponse(dev.langchain4j.model.chat.response.ChatResponse response) {
                done.complete(response);
            }

            @Override
            public void onError(Throwable error) {
                done.completeExceptionally(error);
            }
        });
        try {
            return done.get();
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            throw cause instanceof RuntimeException r ? r : new RuntimeException(cause);
        }
    }

    private dev.langchain4j.model.chat.request.ChatRequest toLangChain(ChatRequest request) {
        List<ChatMessage> messages = new ArrayList<>();
        if (!request.system().isEmpty()) {
            messages.add(SystemMessage.from(request.system()));
        }
        Map<String, String> toolNames = new HashMap<>();
        for (Message message : request.messages()) {
            if (message.role() == Message.Role.ASSISTANT) {
                List<ToolExecutionRequest> calls = new ArrayList<>();
                for (ContentBlock.ToolCall call : message.toolCalls()) {
                    toolNames.put(call.id(), call.name());
                    calls.add(ToolExecutionRequest.builder().id(call.id()).name(call.name())
                            .arguments(call.argumentsJson()).build());
                }
                String text = message.text();
                messages.add(calls.isEmpty() ? AiMessage.from(text)
                        : text.isEmpty() ? AiMessage.from(calls) : AiMessage.from(text, calls));
            } else {
                StringBuilder text = new StringBuilder();
                for (ContentBlock block : message.content()) {
                    switch (block) {
                        case ContentBlock.ToolResult r -> messages.add(ToolExecutionResultMessage.builder()
                                .id(r.toolCallId()).toolName(toolNames.getOrDefault(r.toolCallId(), "tool"))
                                .text(r.content().isEmpty() ? "(no output)" : r.content())
                                .isError(r.error() ? Boolean.TRUE : null).build());
                        case ContentBlock.Text t -> text.append(t.text());
                        case ContentBlock.ToolCall c -> throw new IllegalStateException("tool call in a user message");
                    }
                }
                if (!text.isEmpty()) {
                    messages.add(UserMessage.from(text.toString()));
                }
            }
        }
        List<ToolSpecification> tools = new ArrayList<>();
        for (ToolDefinition tool : request.tools()) {
            tools.add(ToolSpecification.builder().name(tool.name()).description(tool.description())
                    .parameters(Schemas.toObjectSchema(tool.inputSchema(), "tool " + tool.name())).build());
        }
        ChatRequestParameters parameters = switch (model.provider()) {
            case "anthropic" -> AnthropicChatRequestParameters.builder().modelName(model.model())
                    .maxOutputTokens(request.maxOutputTokens()).toolSpecifications(tools).build();
            // OpenAI's newer models reject max_tokens; compatible servers (Ollama) know only max_tokens
            case "openai" -> OpenAiChatRequestParameters.builder().modelName(model.model())
                    .maxCompletionTokens(request.maxOutputTokens()).toolSpecifications(tools).build();
            default -> OpenAiChatRequestParameters.builder().modelName(model.model())
                    .maxOutputTokens(request.maxOutputTokens()).toolSpecifications(tools).build();
        };
        return dev.langchain4j.model.chat.request.ChatRequest.builder().messages(messages).parameters(parameters)
                .build();
    }

    private ChatResponse fromLangChain(dev.langchain4j.model.chat.response.ChatResponse response) {
        AiMessage ai = response.aiMessage();
        if (ai == null) {
            throw new ProviderException(ProviderException.Kind.MALFORMED_RESPONSE, model
                    + ": the response has no message");
        }
        List<ContentBlock> blocks = new ArrayList<>();
        if (ai.text() != null && !ai.text().isEmpty()) {
            blocks.add(new ContentBlock.Text(ai.text()));
        }
        if (ai.hasToolExecutionRequests()) {
            for (ToolExecutionRequest call : ai.toolExecutionRequests()) {
                blocks.add(new ContentBlock.ToolCall(call.id() == null ? "" : call.id(), call.name(),
                        call.arguments()));
            }
        }
        if (blocks.isEmpty()) {
            blocks.add(new ContentBlock.Text(""));
        }
        var metadata = response.metadata();
        return new ChatResponse(new Message(Message.Role.ASSISTANT, blocks), stopReason(metadata.finishReason()),
                usage(metadata.tokenUsage()),
                metadata.modelName() == null ? model.model() : metadata.modelName(), metadata.id());
    }

    private static StopReason stopReason(FinishReason reason) {
        if (reason == null) {
            return StopReason.OTHER;
        }
        return switch (reason) {
            case STOP -> StopReason.END_TURN;
            case TOOL_EXECUTION -> StopReason.TOOL_USE;
            case LENGTH -> StopReason.MAX_TOKENS;
            case CONTENT_FILTER -> StopReason.CONTENT_FILTER;
            default -> StopReason.OTHER;
        };
    }

    static Usage usage(TokenUsage usage) {
        if (usage == null) {
            return Usage.ZERO;
        }
        long input = orZero(usage.inputTokenCount());
        long output = orZero(usage.outputTokenCount());
        if (usage instanceof AnthropicTokenUsage anthropic) {
            return new Usage(input, output, orZero(anthropic.cacheCreationInputTokens()),
                    orZero(anthropic.cacheReadInputTokens()));
        }
        if (usage instanceof OpenAiTokenUsage openai && openai.inputTokensDetails() != null) {
            long cached = orZero(openai.inputTokensDetails().cachedTokens());
            return new Usage(Math.max(0, input - cached), output, 0, cached);
        }
        return new Usage(input, output, 0, 0);
    }

    private static long orZero(Integer value) {
        return value == null ? 0 : value;
    }
}
