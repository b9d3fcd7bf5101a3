package dev.munero.llm.fake;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.OptionalInt;
import tools.jackson.core.JacksonException;

/**
 * What a fake server answers to one request, in protocol-neutral terms: each fake renders it in its own wire
 * format, so one contract script runs against every provider. A {@link Message} is sent as one JSON response or,
 * when the request asked for {@code "stream": true}, as that protocol's server-sent event stream.
 *
 * <pre>{@code
 * Reply.text("Hello").usage(12, 3)
 * Reply.toolCall("call_1", "read_file", "{\"path\":\"a.txt\"}")
 * Reply.error(429).retryAfterSeconds(1)
 * Reply.overloaded()          // 529 overloaded_error on Anthropic, 503 on OpenAI
 * Reply.malformedJson()
 * Reply.dropConnection()
 * Reply.stall(2, Reply.text("never finished").usage(1300, 20))
 * }</pre>
 */
public sealed interface Reply permits Reply.Message, Reply.HttpError, Reply.MalformedJson, Reply.DropConnection,
        Reply.Stall {

    /** A successful assistant turn whose only content is {@code text}, stop reason {@link StopReason#END_TURN}. */
    static Message text(String text) {
        return new Message(List.of(new Text(text)), null, null, Usage.DEFAULT, null);
    }

    /** A turn that asks for one tool call; {@code argumentsJson} must be a JSON object. */
    static Message toolCall(String id, String name, String argumentsJson) {
        return new Message(List.of(new ToolCall(id, name, argumentsJson)), null, null, Usage.DEFAULT, null);
    }

    /** A turn with any mix of {@link Text} and {@link ToolCall} parts, in order. */
    static Message message(Part... parts) {
        return new Message(List.of(parts), null, null, Usage.DEFAULT, null);
    }

    /** An error with exactly this HTTP status (4xx or 5xx); its error type follows from the status. */
    static HttpError error(int status) {
        return new HttpError(ErrorKind.of(status), OptionalInt.of(status), null, OptionalInt.empty());
    }

    /** An error of this kind, with the status each protocol uses for it (see {@link ErrorKind}). */
    static HttpError error(ErrorKind kind) {
        return new HttpError(kind, OptionalInt.empty(), null, OptionalInt.empty());
    }

    /** The provider is overloaded: Anthropic 529 {@code overloaded_error}, OpenAI 503. */
    static HttpError overloaded() {
        return error(ErrorKind.OVERLOADED);
    }

    /** HTTP 200 with a JSON body (or, for a streaming request, a first event's data) cut off mid-value. */
    static MalformedJson malformedJson() {
        return new MalformedJson();
    }

    /**
     * The connection is cut mid-response: the headers announce a {@code Content-Length} longer than what is written
     * (for a streaming request, after about half of the events), so the client sees an {@link java.io.IOException}.
     */
    static DropConnection dropConnection() {
        return new DropConnection();
    }

    /**
     * A response that stops mid-stream and stays open: for a streaming request, the first {@code events} events of
     * {@code message}'s stream are sent (on the Anthropic fake, 2 is {@code message_start}, whose usage has the input
     * and cache tokens and {@code min(1, outputTokens)} output tokens, and the first content block's start), then
     * nothing, the connection held open, until {@link Stall#release()} or the server closes; then the response is
     * ended without the rest of its events. For a request that does not stream, nothing is sent until then. A hung
     * API, as a client's inactivity watchdog must see it.
     *
     * @throws IllegalArgumentException when {@code events} is less than 1
     */
    static Stall stall(int events, Message message) {
        if (events < 1) {
            throw new IllegalArgumentException("a stall sends at least 1 event, got " + events);
        }
        return new Stall(Objects.requireNonNull(message, "message"), events, new java.util.concurrent.CountDownLatch(1),
                new java.util.concurrent.CountDownLatch(1));
    }

    /** Why the model stopped; each protocol has its own name for each (Anthropic / OpenAI in brackets). */
    enum StopReason {
        /** {@code end_turn} / {@code stop}. */
        END_TURN,
        /** {@code tool_use} / {@code tool_calls}. */
        TOOL_USE,
        /** {@code max_tokens} / {@code length}. */
        MAX_TOKENS,
        /** {@code stop_sequence} (with the sequence) / {@code stop}. */
        STOP_SEQUENCE
    }

    /** One piece of an assistant turn. */
    sealed interface Part permits Text, ToolCall {}

    /** @param text non-empty text; the streaming renderers split it into a few deltas */
    record Text(String text) implements Part {
        public Text {
            if (text == null || text.isEmpty()) {
                throw new IllegalArgumentException("text must be non-empty, got " + (text == null ? "null" : "\"\""));
            }
        }
    }

    /**
     * A tool call the model asks for.
     *
     * @param id            the call id the client must echo in its tool result ({@code tool_use_id} /
     *                      {@code tool_call_id})
     * @param argumentsJson a JSON object; Anthropic gets it as the {@code input} object, OpenAI as the
     *                      {@code arguments} string, and both stream it split into a few fragments
     */
    record ToolCall(String id, String name, String argumentsJson) implements Part {
        public ToolCall {
            Objects.requireNonNull(id, "id");
            Objects.requireNonNull(name, "name");
            boolean isObject;
            try {
                isObject = Json.parse(argumentsJson).isObject();
            } catch (JacksonException | IllegalArgumentException e) {
                isObject = false;
            }
            if (!isObject) {
                throw new IllegalArgumentException("argumentsJson must be a JSON object, got: " + argumentsJson);
            }
        }
    }

    /**
     * Token counts, in the split Anthropic reports (https://docs.anthropic.com/en/api/messages, {@code usage}):
     * {@code inputTokens} excludes cached tokens. OpenAI (https://platform.openai.com/docs/api-reference/chat/object)
     * gets {@code prompt_tokens = inputTokens + cacheWriteTokens + cacheReadTokens} (it has no cache-write count),
     * {@code prompt_tokens_details.cached_tokens = cacheReadTokens}, {@code completion_tokens = outputTokens} and
     * {@code completion_tokens_details.reasoning_tokens = reasoningTokens}.
     *
     * @param reasoningTokens the part of {@code outputTokens} spent reasoning; only OpenAI reports it
     */
    record Usage(long inputTokens, long outputTokens, long cacheWriteTokens, long cacheReadTokens,
            long reasoningTokens) {
        /** The usage of a reply that does not set one: 10 input and 5 output tokens. */
        public static final Usage DEFAULT = new Usage(10, 5, 0, 0, 0);

        public Usage {
            if (inputTokens < 0 || outputTokens < 0 || cacheWriteTokens < 0 || cacheReadTokens < 0
                    || reasoningTokens < 0 || reasoningTokens > outputTokens) {
                throw new IllegalArgumentException("token counts must be >= 0 and reasoningTokens <= outputTokens, got "
                        + this);
            }
        }
    }

    /**
     * A successful assistant turn.
     *
     * @param parts        text and tool calls, in order (may be empty)
     * @param stopReason   null: {@link StopReason#TOOL_USE} if there is a tool call, else {@link StopReason#END_TURN}
     * @param stopSequence the matched stop sequence, only with {@link StopReason#STOP_SEQUENCE}
     * @param model        null: echo the request's {@code model}
     */
    record Message(List<Part> parts, StopReason stopReason, String stopSequence, Usage usage, String model)
            implements Reply {
        public Message {
            parts = List.copyOf(parts);
            Objects.requireNonNull(usage, "usage");
            if ((stopSequence != null) != (stopReason == StopReason.STOP_SEQUENCE)) {
                throw new IllegalArgumentException("a stopSequence goes with stopReason STOP_SEQUENCE and only with it,"
                        + " got stopReason " + stopReason + " and stopSequence " + stopSequence);
            }
        }

        /** The stop reason to send: the scripted one, or the one implied by the parts. */
        public StopReason effectiveStopReason() {
            if (stopReason != null) {
                return stopReason;
            }
            return toolCalls().isEmpty() ? StopReason.END_TURN : StopReason.TOOL_USE;
        }

        public List<ToolCall> toolCalls() {
            return parts.stream().filter(ToolCall.class::isInstance).map(ToolCall.class::cast).toList();
        }

        /** All text parts joined. */
        public String text() {
            return String.join("", parts.stream().filter(Text.class::isInstance).map(p -> ((Text) p).text()).toList());
        }

        public Message andToolCall(String id, String name, String argumentsJson) {
            List<Part> more = new ArrayList<>(parts);
            more.add(new ToolCall(id, name, argumentsJson));
            return new Message(more, stopReason, stopSequence, usage, model);
        }

        public Message usage(Usage newUsage) {
            return new Message(parts, stopReason, stopSequence, newUsage, model);
        }

        public Message usage(long inputTokens, long outputTokens) {
            return usage(new Usage(inputTokens, outputTokens, usage.cacheWriteTokens(), usage.cacheReadTokens(),
                    usage.reasoningTokens()));
        }

        public Message cacheTokens(long cacheWriteTokens, long cacheReadTokens) {
            return usage(new Usage(usage.inputTokens(), usage.outputTokens(), cacheWriteTokens, cacheReadTokens,
                    usage.reasoningTokens()));
        }

        public Message reasoningTokens(long reasoningTokens) {
            return usage(new Usage(usage.inputTokens(), usage.outputTokens(), usage.cacheWriteTokens(),
                    usage.cacheReadTokens(), reasoningTokens));
        }

        public Message stopReason(StopReason newStopReason) {
            return new Message(parts, newStopReason, null, usage, model);
        }

        public Message stopSequence(String sequence) {
            return new Message(parts, StopReason.STOP_SEQUENCE, sequence, usage, model);
        }

        public Message model(String newModel) {
            return new Message(parts, stopReason, stopSequence, usage, newModel);
        }
    }

    /**
     * The provider-side classes of error, with the HTTP status each protocol uses. Sources:
     * https://docs.anthropic.com/en/api/errors and
     * https://platform.openai.com/docs/guides/error-codes#api-errors.
     */
    enum ErrorKind {
        INVALID_REQUEST(400, 400),
        AUTHENTICATION(401, 401),
        PERMISSION(403, 403),
        NOT_FOUND(404, 404),
        RATE_LIMIT(429, 429),
        SERVER(500, 500),
        OVERLOADED(529, 503);

        final int anthropicStatus;
        final int openAiStatus;

        ErrorKind(int anthropicStatus, int openAiStatus) {
            this.anthropicStatus = anthropicStatus;
            this.openAiStatus = openAiStatus;
        }

        /** @throws IllegalArgumentException if {@code status} is not 4xx or 5xx */
        static ErrorKind of(int status) {
            for (ErrorKind kind : values()) {
                if (kind.anthropicStatus == status || kind.openAiStatus == status) {
                    return kind;
                }
            }
            if (status >= 400 && status < 500) {
                return INVALID_REQUEST;
            }
            if (status >= 500 && status < 600) {
                return SERVER;
            }
            throw new IllegalArgumentException("an error reply needs a 4xx or 5xx status, got " + status);
        }
    }

    /**
     * An error response in the protocol's error format.
     *
     * @param status            empty: the protocol's status for {@code kind}
     * @param message           null: a stock message for the kind
     * @param retryAfterSeconds sent as the {@code retry-after} header when present
     */
    record HttpError(ErrorKind kind, OptionalInt status, String message, OptionalInt retryAfterSeconds)
            implements Reply {
        public HttpError {
            Objects.requireNonNull(kind, "kind");
            if (retryAfterSeconds.isPresent() && retryAfterSeconds.getAsInt() < 0) {
                throw new IllegalArgumentException("retryAfterSeconds must be >= 0, got " + retryAfterSeconds);
            }
        }

        public HttpError retryAfterSeconds(int seconds) {
            return new HttpError(kind, status, message, OptionalInt.of(seconds));
        }

        public HttpError message(String newMessage) {
            return new HttpError(kind, status, newMessage, retryAfterSeconds);
        }
    }

    /** See {@link Reply#malformedJson()}. */
    record MalformedJson() implements Reply {}

    /** See {@link Reply#dropConnection()}. */
    record DropConnection() implements Reply {}

    /**
     * See {@link Reply#stall(int, Message)}. Thread-safe.
     *
     * @param started  counted down once the first events are sent (the stall has begun)
     * @param released counted down by {@link #release()} or the server's close
     */
    record Stall(Message message, int events, java.util.concurrent.CountDownLatch started,
                 java.util.concurrent.CountDownLatch released) implements Reply {
        /** Ends the stall: the server ends the response without the rest of its events. */
        public void release() {
            released.countDown();
        }

        /** Waits until the stall has begun; {@code true} when it has. */
        public boolean awaitStarted(long timeout, java.util.concurrent.TimeUnit unit) throws InterruptedException {
            return started.await(timeout, unit);
        }
    }
}
