package dev.munero.server;

import dev.munero.core.app.AppException;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import io.javalin.http.HttpStatus;
import java.io.PrintStream;
import java.util.Locale;
import tools.jackson.databind.node.ObjectNode;

/**
 * Every error the server answers, as RFC 9457 {@code application/problem+json}: an {@link AppException} by its kind
 * (NOT_FOUND 404, INVALID 400, CONFLICT 409, UNAVAILABLE 503) with the CLI's message as {@code detail}; a
 * {@link ProblemException} as it says; an unknown route 404 and a known path with another method 405 (naming the
 * methods it takes, also in {@code Allow}); anything else 500 with a generic detail, the exception going to the
 * server's error stream (never to the caller).
 */
final class Problems {
    /** The media type of every error body. */
    static final String MEDIA_TYPE = "application/problem+json";

    private Problems() {
    }

    /** Installs the mappings on a Javalin configuration. */
    static void install(RoutesConfig routes, PrintStream log) {
        routes.exception(ProblemException.class, (e, ctx) -> {
            e.headers().forEach(ctx::header);
            write(ctx, e.status(), e.slug(), e.getMessage());
        });
        routes.exception(AppException.class, (e, ctx) -> write(ctx, status(e.kind()), slug(e.kind()), e.getMessage()));
        routes.exception(HttpResponseException.class, (e, ctx) -> {
            int status = e.getStatus();
            String detail = switch (status) {
                case 404 -> "there is no route " + ctx.method() + " " + ctx.path() + "; the routes are listed in "
                        + "GET /api/v1/openapi.json";
                case 405 -> {
                    String allowed = String.join(", ", e.getDetails().keySet().isEmpty()
                            ? java.util.List.of() : e.getDetails().values());
                    if (!allowed.isEmpty()) {
                        ctx.header("Allow", allowed);
                    }
                    yield ctx.method() + " is not allowed on " + ctx.path()
                            + (allowed.isEmpty() ? "" : "; it takes " + allowed);
                }
                default -> e.getMessage() == null || e.getMessage().isBlank()
                        ? HttpStatus.forStatus(status).getMessage() : e.getMessage();
            };
            write(ctx, status, slugOf(status), detail);
        });
        routes.exception(Exception.class, (e, ctx) -> {
            log.println("munero serve: internal error on " + ctx.method() + " " + ctx.path() + ": " + e);
            e.printStackTrace(log);
            write(ctx, 500, "internal", "the server failed on this request; its log says why (please report it "
                    + "with the request you sent)");
        });
    }

    /** Writes a problem body with {@code status}. */
    static void write(Context ctx, int status, String slug, String detail) {
        ObjectNode body = Json.MAPPER.createObjectNode()
                .put("type", "urn:munero:problem:" + slug)
                .put("title", HttpStatus.forStatus(status).getMessage())
                .put("status", status)
                .put("detail", detail)
                .put("instance", ctx.path());
        ctx.status(status).contentType(MEDIA_TYPE).result(Json.MAPPER.writeValueAsString(body));
    }

    static int status(AppException.Kind kind) {
        return switch (kind) {
            case NOT_FOUND -> 404;
            case INVALID -> 400;
            case CONFLICT -> 409;
            case UNAVAILABLE -> 503;
        };
    }

    static String slug(AppException.Kind kind) {
        return kind.name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    private static String slugOf(int status) {
        return switch (status) {
            case 400 -> "bad-request";
            case 401 -> "unauthorized";
            case 403 -> "forbidden";
            case 404 -> "not-found";
            case 405 -> "method-not-allowed";
            case 409 -> "conflict";
            case 413 -> "too-large";
            case 429 -> "rate-limited";
            case 503 -> "unavailable";
            default -> "http-" + status;
        };
    }
}
