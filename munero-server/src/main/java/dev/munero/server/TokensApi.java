package dev.munero.server;

import dev.munero.core.app.Access;
import io.javalin.http.Context;
import java.util.List;

/**
 * The admin's routes: the API tokens (list, revoke) and the audit log, over the server database's {@link Access}.
 * Making a token stays with {@code munero token create} on the server's machine: a token's secret is shown once, on
 * that terminal, and never in a response (issue 12: no token ever appears in a response, an event or a log).
 *
 * <p>Thread-safe ({@link Access} serializes its store).
 */
public final class TokensApi implements Extension {
    private final Access access;

    /** @param access the tokens and audit log the server's guard uses */
    public TokensApi(Access access) {
        this.access = access;
    }

    @Override
    public List<ApiRoute> routes() {
        String p = ApiRoutes.PREFIX;
        return List.of(
                ApiRoute.http("GET", p + "/tokens", Role.ADMIN, "The API tokens (never their secrets): id, name, "
                        + "role, created, last used, revoked; make one with munero token create on the server's "
                        + "machine", List.of(), null, 200, new ApiRoute.Shape.ListOf(Access.Token.class),
                        ctx -> ctx.json(access.list())),
                ApiRoute.http("DELETE", p + "/tokens/{token}", Role.ADMIN, "Revoke a token by its id or name; it "
                        + "is refused from then on", List.of(), null, 200, new ApiRoute.Shape.Of(Access.Token.class),
                        this::revoke),
                ApiRoute.http("GET", p + "/audit", Role.ADMIN, "The audit log, newest first: who, what, when, from "
                        + "where, outcome", List.of(new ApiRoute.Param("limit", "integer",
                                "at most this many rows, 1 to 10000 (default 100)")), null, 200,
                        new ApiRoute.Shape.ListOf(Access.AuditRecord.class), this::audit));
    }

    private void revoke(Context ctx) {
        // the audit row names the admin who did it, from where (the guard admitted a token or, auth off, local)
        String who = dev.munero.server.security.TokenGuard.principal(ctx).map(p -> p.name()).orElse(Access.LOCAL);
        ctx.json(access.revoke(ctx.pathParam("token"), who, ctx.ip()));
    }

    private void audit(Context ctx) {
        ctx.json(access.audit((int) Params.integer(ctx, "limit", 100, 1, 10_000)));
    }
}
