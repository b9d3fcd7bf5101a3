package dev.munero.server.security;

import dev.munero.core.app.Access;
import dev.munero.server.Extension;
import dev.munero.server.Guard;
import dev.munero.server.Role;
import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import io.javalin.websocket.WsConfig;
import java.time.Clock;
import java.util.Map;
import java.util.function.Consumer;

/**
 * {@link TokenGuard} plugged into {@code munero serve}: the server's {@link Guard} (each route's {@link Role} from the
 * route table, refusals as {@code ProblemException}s the server answers as problem+json, the audit after each
 * request, the WebSocket token frame) and an {@link Extension} (CORS when configured). Give the same instance to
 * {@code MuneroServer.Config.guard} and {@code .extensions}.
 *
 * <p>Thread-safe. Closing it closes the server database.
 */
public final class ServerGuard implements Guard, Extension, AutoCloseable {
    private final Access access;
    private final TokenGuard tokens;

    private ServerGuard(Access access, SecurityOptions options) {
        this.access = access;
        this.tokens = new TokenGuard(access, options);
    }

    /**
     * The guard of a server bound to {@code bindHost}, over the user's server database ({@link Access#database}).
     *
     * @param env      the environment locating the user config ({@code MUNERO_CONFIG}, {@code XDG_CONFIG_HOME},
     *                 {@code HOME})
     * @param bindHost what the server binds ({@code --bind})
     * @throws dev.munero.core.app.AppException INVALID when {@code bindHost} is not loopback and auth is off, or the
     *                                          user config is not valid TOML; UNAVAILABLE when the server database
     *                                          cannot be opened
     */
    public static ServerGuard open(Map<String, String> env, String bindHost, SecurityOptions options) {
        options.requireSafeBind(bindHost);
        return new ServerGuard(Access.open(Access.database(env), Clock.systemUTC()), options);
    }

    /** Over an open {@link Access} (tests); it is closed with this guard. */
    public static ServerGuard over(Access access, SecurityOptions options) {
        return new ServerGuard(access, options);
    }

    /** The tokens and audit log it uses. */
    public Access access() {
        return access;
    }

    @Override
    public void admit(Context ctx, Role required) {
        tokens.admit(ctx, required == Role.PUBLIC ? null : Access.Role.valueOf(required.name()));
    }

    @Override
    public void completed(Context ctx, Role required) {
        tokens.completed(ctx);
    }

    @Override
    public Consumer<WsConfig> websocket(String path, Consumer<WsConfig> handler) {
        return tokens.websocket(path, handler);
    }

    @Override
    public void configure(JavalinConfig config) {
        tokens.configure(config);
    }

    @Override
    public void close() {
        tokens.close();
        access.close();
    }
}
