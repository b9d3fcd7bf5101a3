package dev.munero.server.security;

import dev.munero.core.app.AppException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * How {@code munero serve} protects itself.
 *
 * @param auth           tokens required on every route that needs a role; off by default, which is only allowed on a
 *                       loopback address ({@link #requireSafeBind})
 * @param corsOrigins    origins (e.g. {@code https://ci.example.com}) whose pages may call the API from a browser;
 *                       empty: CORS off, and a request with any other {@code Origin} is refused
 * @param rateLimit      per token
 * @param wsTokenTimeout how long a WebSocket opened without an {@code Authorization} header has to send its
 *                       {@code {"token":"..."}} frame
 */
public record SecurityOptions(boolean auth, List<String> corsOrigins, RateLimit rateLimit, Duration wsTokenTimeout) {
    public SecurityOptions {
        corsOrigins = List.copyOf(corsOrigins);
        Objects.requireNonNull(rateLimit, "rateLimit");
        Objects.requireNonNull(wsTokenTimeout, "wsTokenTimeout");
        for (String origin : corsOrigins) {
            if (!origin.matches("https?://[^/\\s]+") ) {
                throw AppException.invalid("bad CORS origin '" + origin + "': write scheme://host[:port] with no "
                        + "path, e.g. https://ci.example.com");
            }
        }
    }

    /** Auth as given, no CORS, {@link RateLimit#DEFAULT}, 10 s for a WebSocket's token frame. */
    public static SecurityOptions of(boolean auth) {
        return new SecurityOptions(auth, List.of(), RateLimit.DEFAULT, Duration.ofSeconds(10));
    }

    /**
     * Refuses to serve on an address other machines can reach without auth on.
     *
     * @param host what the server binds ({@code --bind}): a name or an IP literal
     * @throws AppException INVALID when {@code host} is not a loopback address and auth is off, or does not resolve
     */
    public void requireSafeBind(String host) {
        if (!auth && !isLoopback(host)) {
            throw AppException.invalid("--bind " + host + " makes the API reachable from other machines, which needs "
                    + "--auth (bearer tokens: munero token create --role viewer|operator|admin); or bind to "
                    + "127.0.0.1 (the default)");
        }
    }

    /**
     * Whether every address {@code host} names is a loopback address ({@code 127.0.0.0/8}, {@code ::1},
     * {@code localhost}); the wildcard {@code 0.0.0.0} is not.
     *
     * @throws AppException INVALID when the name does not resolve
     */
    public static boolean isLoopback(String host) {
        try {
            InetAddress[] all = InetAddress.getAllByName(host);
            for (InetAddress a : all) {
                if (!a.isLoopbackAddress()) {
                    return false;
                }
            }
            return all.length > 0;
        } catch (UnknownHostException e) {
            throw AppException.invalid("--bind " + host + ": no such host or address");
        }
    }
}
