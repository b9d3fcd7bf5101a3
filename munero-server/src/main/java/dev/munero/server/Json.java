package dev.munero.server;

import io.javalin.http.Context;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.exc.UnrecognizedPropertyException;
import tools.jackson.databind.json.JsonMapper;

/**
 * The server's JSON: snake_case names, ISO-8601 times (Jackson 3's default for {@code java.time}), unknown fields
 * in a request body refused. One mapper, shared (Jackson mappers are thread-safe); Javalin uses it too.
 */
public final class Json {
    /** The mapper for responses and request bodies. */
    public static final JsonMapper MAPPER = JsonMapper.builder()
            .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .build();

    private Json() {
    }

    /**
     * The request's body as {@code type}; an empty body is read as {@code {}}.
     *
     * @param expected what the route takes, for the error message (e.g. {@code {"iteration": N, "force": false}})
     * @throws ProblemException 400 when the body is not JSON, or a field is unknown or of the wrong type; the
     *                          message says where (line and column) and what to send
     */
    public static <T> T body(Context ctx, Class<T> type, String expected) {
        String text = ctx.body();
        if (text.isBlank()) {
            text = "{}";
        }
        try {
            return MAPPER.readValue(text, type);
        } catch (UnrecognizedPropertyException e) {
            throw ProblemException.badRequest("the body has an unknown field '" + e.getPropertyName() + "'; send "
                    + expected);
        } catch (JacksonException e) {
            var at = e.getLocation();
            String where = at == null ? "" : " at line " + at.getLineNr() + ", column " + at.getColumnNr();
            throw ProblemException.badRequest("the body is not what " + ctx.method() + " " + ctx.path()
                    + " takes" + where + " (" + e.getOriginalMessage() + "); send " + expected);
        }
    }
}
