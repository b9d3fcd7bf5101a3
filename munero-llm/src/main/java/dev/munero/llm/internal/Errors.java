package dev.munero.llm.internal;

import dev.langchain4j.exception.HttpException;
import dev.munero.llm.ModelRef;
import dev.munero.llm.ProviderException;
import dev.munero.llm.ProviderException.Kind;
import java.io.IOException;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Turns whatever LangChain4j or the transport threw into a {@link ProviderException} with the right
 * {@link Kind}, by walking the cause chain for the HTTP status ({@link StatusException}), a connection failure
 * ({@link IOException}) or a parse failure.
 *
 * <p>Status mapping (https://docs.anthropic.com/en/api/errors, https://platform.openai.com/docs/guides/error-codes):
 * 429 rate limited; 529 overloaded; 408, 500, 502, 503, 504 and other 5xx server errors; 401 authentication;
 * 403 permission; other 4xx invalid request.
 */
final class Errors {
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private Errors() {
    }

    static ProviderException classify(Throwable thrown, ModelRef model, LangChain4jChatModel.Connection connection) {
        String keyVariable = connection.keyVariable();
        for (Throwable t = thrown; t != null; t = t.getCause()) {
            if (t instanceof ProviderException p) {
                return p;
            }
            if (t instanceof Transport.WrongShape w) {
                return new ProviderException(Kind.MALFORMED_RESPONSE, model + ": " + w.getMessage() + ". Is "
                        + connection.baseUrl() + " (" + connection.baseUrlFrom() + ") " + api(model)
                        + "?", 0, null, thrown);
            }
            // before IOException: Jackson 2's JsonProcessingException is one
            if (t instanceof Transport.MalformedEvent || t.getClass().getName().startsWith("com.fasterxml.jackson")
                    || t.getClass().getName().startsWith("tools.jackson")) {
                return new ProviderException(Kind.MALFORMED_RESPONSE, model + ": the response is not valid JSON: "
                        + firstLine(t.getMessage()), 0, null, thrown);
            }
            if (t instanceof HttpException http) {
                return fromStatus(http, model, keyVariable);
            }
            if (t instanceof HttpTimeoutException || t instanceof java.util.concurrent.TimeoutException
                    || t instanceof dev.langchain4j.exception.TimeoutException) {
                return new ProviderException(Kind.TIMEOUT, model + ": the request timed out (" + t.getMessage() + ")",
                        0, null, thrown);
            }
            if (t instanceof IOException io) {
                return new ProviderException(Kind.CONNECTION, connectionFailure(model, connection, io), 0, null,
                        thrown);
            }
            if (t instanceof InterruptedException) {
                return new ProviderException(Kind.CONNECTION, model + ": interrupted", 0, null, thrown);
            }
        }
        return new ProviderException(Kind.MALFORMED_RESPONSE, model + ": unexpected response: "
                + thrown.getClass().getSimpleName() + ": " + firstLine(thrown.getMessage()), 0, null, thrown);
    }

    /**
     * Names the URL, where it came from and what to check, e.g. {@code ollama:qwen3: cannot reach
     * http://127.0.0.1:11434/v1 (from OLLAMA_HOST): ConnectException: Connection refused. Is Ollama running ...}.
     */
    static String connectionFailure(ModelRef model, LangChain4jChatModel.Connection connection, IOException io) {
        String why = io.getClass().getSimpleName() + (io.getMessage() != null ? ": " + io.getMessage()
                : io instanceof java.net.ConnectException ? " (nothing accepted the connection)" : "");
        String from = connection.baseUrlFrom().equals("the default")
                ? "the default; set " + connection.baseUrlVariable() + " to use another" : "from "
                + connection.baseUrlFrom();
        String check = switch (model.provider()) {
            case "ollama" -> "Is Ollama running there (ollama serve) and is the URL right?";
            default -> "Is the server up, the URL right and the network reachable?";
        };
        return model + ": cannot reach " + connection.baseUrl() + " (" + from + "): " + why + ". " + check
                + " Check with: curl " + connection.baseUrl() + "/models";
    }

    private static String api(ModelRef model) {
        return model.provider().equals("anthropic") ? "an Anthropic Messages API"
                : "an OpenAI-compatible Chat Completions API";
    }

    private static ProviderException fromStatus(HttpException http, ModelRef model, String keyVariable) {
        int status = http.statusCode();
        Duration retryAfter = http instanceof StatusException s ? s.retryAfter().orElse(null) : null;
        Kind kind = switch (status) {
            case 429 -> Kind.RATE_LIMITED;
            case 529 -> Kind.OVERLOADED;
            case 401 -> Kind.AUTHENTICATION;
            case 403 -> Kind.PERMISSION;
            case 408 -> Kind.SERVER_ERROR;
            default -> status >= 500 ? Kind.SERVER_ERROR : Kind.INVALID_REQUEST;
        };
        String detail = errorMessage(http.getMessage());
        String hint = switch (kind) {
            case AUTHENTICATION -> keyVariable == null ? "" : "; check " + keyVariable;
            case PERMISSION -> "; the key has no access to this model or feature";
            default -> "";
        };
        return new ProviderException(kind, model + " returned HTTP " + status + ": " + detail + hint, status,
                retryAfter, http);
    }

    /** The {@code error.message} (and type) of an Anthropic or OpenAI error body, else its first line. */
    static String errorMessage(String body) {
        if (body == null || body.isBlank()) {
            return "(empty body)";
        }
        try {
            JsonNode error = JSON.readTree(body).path("error");
            String message = error.path("message").asString("");
            String type = error.path("type").asString("");
            if (!message.isEmpty()) {
                return type.isEmpty() ? message : type + ": " + message;
            }
        } catch (RuntimeException notJson) {
            // fall through to the raw text
        }
        return firstLine(body);
    }

    private static String firstLine(String text) {
        if (text == null) {
            return "";
        }
        String line = text.strip().lines().findFirst().orElse("");
        return line.length() > 300 ? line.substring(0, 300) + "..." : line;
    }
}
