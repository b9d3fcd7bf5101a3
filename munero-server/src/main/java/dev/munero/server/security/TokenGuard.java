package dev.munero.server.security;

import dev.munero.core.app.Access;
import dev.munero.core.app.AppException;
import dev.munero.server.ProblemException;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.ConsumptionProbe;
import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import io.javalin.websocket.WsConfig;
import io.javalin.websocket.WsContext;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.Consumer;
import java.util.regex.Pattern;

/**
 * The server's door: who a request is from, whether its role is enough for the route, whether its token is over its
 * rate limit, and the audit log of every mutating request and every use of a token.
 *
 * <p>Wiring (one place in the server; see docs/ARCHITECTURE.md "Security"):
 * <ul>
 *   <li>{@link #configure} on Javalin's configuration once: CORS when origins are configured;</li>
 *   <li>{@link #admit} first in every routed HTTP handler and in {@code wsBeforeUpgrade} of every WebSocket route,
 *       with the least role the route needs (null: none);</li>
 *   <li>{@link #completed} after every HTTP request (Javalin's request logger), for the audit log;</li>
 *   <li>{@link #websocket} around every WebSocket route's handler: a browser, which cannot set headers on an
 *       upgrade, sends {@code {"token":"..."}} as its first frame; the route's own {@code onConnect} runs only once
 *       the connection is authenticated, and a connection that sends no valid token within
 *       {@link SecurityOptions#wsTokenTimeout} is closed with 1008.</li>
 * </ul>
 *
 * <p>With auth off (loopback only), every request is from {@link Principal#LOCAL}; requests are still refused when
 * their {@code Host} is not a loopback name or address (DNS rebinding) or their {@code Origin} is another site's
 * (a page in the user's browser posting to the local server). With auth on, a route that needs a role needs
 * {@code Authorization: Bearer <token>}: none or an unknown or revoked token is 401, a role too low 403, over the rate
 * limit 429 with {@code Retry-After} (RFC 6750 for the {@code WWW-Authenticate} values, RFC 9457 for the bodies).
 * No secret is ever written to a response, the audit log or a log line: tokens are named by name and id.
 *
 * <p>A WebSocket upgrade is audited when the guard refuses it (401, 403, 429) and when the connection opens (101);
 * an upgrade the route itself refuses after the guard let it through (an unknown run: 404) is not, because Javalin
 * runs no hook after a failed upgrade.
 *
 * <p>Thread-safe: requests run concurrently on virtual threads. Not a proxy-aware component: the remote address is
 * the TCP peer's, {@code X-Forwarded-For} is ignored.
 */
public final class TokenGuard implements AutoCloseable {
    static final String PRINCIPAL = "munero.principal";
    /**
     * A request attribute a route may set (a short text, no secret) to say more in its audit row than method and
     * path: {@code /mcp} names the MCP message, e.g. {@code tools/call build}.
     */
    public static final String AUDIT_DETAIL = "munero.audit-detail";
    private static final String PRESENTED = "munero.token-presented";
    private static final String AUDITED = "munero.audited";
    private static final String WS_PENDING = "munero.ws-pending-role";
    private static final System.Logger LOG = System.getLogger(TokenGuard.class.getName());
    private static final String REALM = "Bearer realm=\"munero\"";

    private final Access access;
    private final SecurityOptions options;
    private final Map<String, Bucket> buckets = new ConcurrentHashMap<>();
    private final List<Pattern> gatedWebSockets = new CopyOnWriteArrayList<>();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "munero-ws-token-timeout");
        t.setDaemon(true);
        return t;
    });

    /**
     * @param access  the tokens and the audit log ({@link Access#open} on {@link Access#database}); not closed here
     * @param options auth on or off, CORS, the rate limit
     */
    public TokenGuard(Access access, SecurityOptions options) {
        this.access = access;
        this.options = options;
    }

    /** The options it enforces. */
    public SecurityOptions options() {
        return options;
    }

    /**
     * Installs CORS (only when {@link SecurityOptions#corsOrigins} is not empty; {@code Authorization} allowed,
     * {@code Retry-After} exposed). Call once. Refusals are {@link ProblemException}s, which the server answers as
     * {@code application/problem+json}.
     */
    public void configure(JavalinConfig config) {
        if (!options.corsOrigins().isEmpty()) {
            config.bundledPlugins.enableCors(cors -> cors.addRule(rule -> {
                List<String> origins = options.corsOrigins();
                rule.allowHost(origins.getFirst(), origins.subList(1, origins.size()).toArray(String[]::new));
                rule.exposeHeader("Retry-After");
            }));
        }
    }

    /**
     * Lets a request reach its route, or refuses it. Call first in the route's handler (or its
     * {@code wsBeforeUpgrade}); it records who the request is from ({@link #principal(Context)}).
     *
     * @param required the least role the route needs; null for a route anyone may call
     * @throws ProblemException 401 (no, malformed, unknown or revoked token), 403 (role too low, a foreign
     *                          {@code Origin}, a non-loopback {@code Host} with auth off), 429 (over the token's
     *                          rate limit), 503 (the server database cannot be read)
     */
    public void admit(Context ctx, Access.Role required) {
        boolean upgrade = "websocket".equalsIgnoreCase(ctx.header("Upgrade"));
        try {
            checkOrigin(ctx);
            if (required == null) {
                return;
            }
            if (!options.auth()) {
                ctx.attribute(PRINCIPAL, Principal.LOCAL);
                return;
            }
            String header = ctx.header("Authorization");
            if (header == null) {
                if (upgrade && gated(ctx.path())) {
                    ctx.attribute(WS_PENDING, required);
                    return;
                }
                throw new ProblemException(401, "unauthorized", "this route needs a token with the " + required.id()
                        + " role: send the header Authorization: Bearer <token> (munero token create --role "
                        + required.id() + ")", Map.of("WWW-Authenticate", REALM));
            }
            ctx.attribute(PRESENTED, Boolean.TRUE);
            Principal principal = identify(bearer(header));
            ctx.attribute(PRINCIPAL, principal);
            permit(principal, required);
        } catch (ProblemException refused) {
            if (upgrade) {
                Principal p = ctx.attribute(PRINCIPAL);
                audit(p == null ? Access.NOBODY : p.name(), p == null ? Optional.empty() : p.tokenId(),
                        "WS " + ctx.path(), remote(ctx), refused.status());
                ctx.attribute(AUDITED, Boolean.TRUE);
            }
            throw refused;
        }
    }

    /**
     * Appends the request to the audit log when it was mutating (not GET, HEAD or OPTIONS) or presented a token, with
     * its final status; the action is method and path, then the route's {@link #AUDIT_DETAIL} when it set one. Call after every HTTP request, refused ones included. Never throws: a failed append is logged
     * (without the request's headers).
     */
    public void completed(Context ctx) {
        if (Boolean.TRUE.equals(ctx.attribute(AUDITED))) {
            return;
        }
        String method = ctx.method().name().toUpperCase(Locale.ROOT);
        boolean mutating = !List.of("GET", "HEAD", "OPTIONS").contains(method);
        boolean presented = Boolean.TRUE.equals(ctx.attribute(PRESENTED));
        if (!mutating && !presented) {
            return;
        }
        Principal p = ctx.attribute(PRINCIPAL);
        String who = p != null ? p.name() : options.auth() ? Access.NOBODY : Access.LOCAL;
        Object detail = ctx.attribute(AUDIT_DETAIL);
        audit(who, p == null ? Optional.empty() : p.tokenId(), method + " " + ctx.path()
                + (detail == null ? "" : " " + detail), remote(ctx), ctx.statusCode());
    }

    /** Who an admitted request is from: a token's principal, {@link Principal#LOCAL}, or empty on a public route. */
    public static Optional<Principal> principal(Context ctx) {
        return Optional.ofNullable(ctx.attribute(PRINCIPAL));
    }

    /** Who a WebSocket connection is from, once authenticated (empty before, and on a public route). */
    public static Optional<Principal> principal(WsContext ctx) {
        return Optional.ofNullable(ctx.attribute(PRINCIPAL));
    }

    /**
     * Wraps a WebSocket route's handler so that a connection opened without an {@code Authorization} header must send
     * {@code {"token":"<token>"}} as its first text frame within {@link SecurityOptions#wsTokenTimeout}, else it is
     * closed with 1008 (policy violation) and a short reason. The route's {@code onConnect} runs once the connection
     * is authenticated (at once for a header or with auth off), and its other handlers only after that; the token
     * frame is not passed on.
     *
     * @param path    the route's path as registered ({@code /api/v1/runs/{id}/events}); only upgrades to wrapped
     *                paths may omit the header
     * @param handler the route's handler
     */
    public Consumer<WsConfig> websocket(String path, Consumer<WsConfig> handler) {
        gatedWebSockets.add(pathPattern(path));
        return new WsTokenGate(this, handler)::install;
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }

    ScheduledExecutorService timer() {
        return timer;
    }

    static Access.Role pendingRole(WsContext ctx) {
        return ctx.attribute(WS_PENDING);
    }

    static void markAuthenticated(WsContext ctx, Principal principal) {
        ctx.attribute(PRINCIPAL, principal);
    }

    /**
     * The active token a secret belongs to.
     *
     * @throws ProblemException 401 for an unknown, malformed or revoked token; 503 when the database cannot be read
     */
    Principal identify(String token) {
        Optional<Access.Token> found;
        try {
            found = access.authenticate(token);
        } catch (AppException e) {
            throw new ProblemException(503, "unavailable", "the server cannot read its token database: "
                    + e.getMessage(), Map.of());
        }
        return Principal.of(found.orElseThrow(() -> new ProblemException(401, "unauthorized", "the token is not "
                + "valid: it is unknown, malformed or revoked (munero token list shows the tokens)",
                Map.of("WWW-Authenticate", REALM + ", error=\"invalid_token\""))));
    }

    /**
     * Takes one request from the token's rate limit, then checks its role (so refused requests count too).
     *
     * @throws ProblemException 429 over the limit; 403 when the role does not include {@code required}
     */
    void permit(Principal principal, Access.Role required) {
        String id = principal.tokenId().orElseThrow();
        ConsumptionProbe probe = buckets.computeIfAbsent(id, key -> bucket()).tryConsumeAndReturnRemaining(1);
        if (!probe.isConsumed()) {
            long seconds = Math.max(1, (probe.getNanosToWaitForRefill() + 999_999_999L) / 1_000_000_000L);
            RateLimit limit = options.rateLimit();
            throw new ProblemException(429, "rate-limited", "token '" + principal.name() + "' is over its rate "
                    + "limit of " + limit.requests() + " requests per " + limit.per().toSeconds() + " s; retry in "
                    + seconds + " s", Map.of("Retry-After", Long.toString(seconds)));
        }
        if (!principal.role().includes(required)) {
            throw new ProblemException(403, "forbidden", "token '" + principal.name() + "' has the "
                    + principal.role().id() + " role; this needs " + required.id() + " (munero token create --role "
                    + required.id() + ")", Map.of("WWW-Authenticate", REALM + ", error=\"insufficient_scope\""));
        }
    }

    private Bucket bucket() {
        RateLimit limit = options.rateLimit();
        return Bucket.builder()
                .addLimit(b -> b.capacity(limit.requests()).refillGreedy(limit.requests(), limit.per()))
                .build();
    }

    void audit(String who, Optional<String> tokenId, String action, String remote, int status) {
        try {
            access.audit(new Access.AuditEntry(who, tokenId, action, remote, status));
        } catch (AppException e) {
            LOG.log(System.Logger.Level.ERROR, "munero serve: cannot append to the audit log ({0} {1} by {2}): {3}",
                    action, status, who, e.getMessage());
        }
    }

    private static String bearer(String header) {
        String h = header.strip();
        if (h.length() < 7 || !h.regionMatches(true, 0, "Bearer ", 0, 7) || h.substring(7).isBlank()) {
            throw new ProblemException(401, "unauthorized", "the Authorization header must be 'Bearer <token>'",
                    Map.of("WWW-Authenticate", REALM + ", error=\"invalid_request\""));
        }
        return h.substring(7).strip();
    }

    /**
     * A foreign {@code Origin} is refused unless configured for CORS; with auth off, so is a {@code Host} that is not
     * a loopback name or address (a DNS rebinding attack names the attacker's host).
     */
    private void checkOrigin(Context ctx) {
        String host = ctx.header("Host");
        if (!options.auth() && (host == null || !loopbackHost(host))) {
            throw new ProblemException(403, "forbidden", "with auth off this server only answers requests addressed to "
                    + "localhost or a loopback address, not to '" + host + "'", Map.of());
        }
        String origin = ctx.header("Origin");
        if (origin == null || options.corsOrigins().contains(origin)) {
            return;
        }
        if (host != null && (origin.equalsIgnoreCase("http://" + host) || origin.equalsIgnoreCase("https://" + host))) {
            return;
        }
        throw new ProblemException(403, "forbidden", "requests from pages of " + origin + " are refused: start the "
                + "server with --cors " + origin + " to allow them", Map.of());
    }

    static boolean loopbackHost(String hostHeader) {
        String h = hostHeader.strip().toLowerCase(Locale.ROOT);
        String name;
        if (h.startsWith("[")) {
            int end = h.indexOf(']');
            name = end < 0 ? h : h.substring(1, end);
        } else {
            int colon = h.lastIndexOf(':');
            name = colon < 0 ? h : h.substring(0, colon);
        }
        if (name.equals("localhost")) {
            return true;
        }
        // only literals: resolving a name here is what DNS rebinding exploits
        if (!name.matches("[0-9.]+") && !name.matches("[0-9a-f:.]+")) {
            return false;
        }
        try {
            return InetAddress.getByName(name).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }

    private boolean gated(String path) {
        return gatedWebSockets.stream().anyMatch(p -> p.matcher(path).matches());
    }

    private static Pattern pathPattern(String path) {
        StringBuilder regex = new StringBuilder();
        for (String part : path.split("(?=\\{)|(?<=\\})")) {
            regex.append(part.startsWith("{") && part.endsWith("}") ? "[^/]+" : Pattern.quote(part));
        }
        return Pattern.compile(regex + "/?");
    }

    private static String remote(Context ctx) {
        return ctx.req().getRemoteAddr();
    }
}
