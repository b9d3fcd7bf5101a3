package dev.munero.server;

import io.javalin.security.RouteRole;

/**
 * Who may call a route: each route in {@link ApiRoutes} declares the least role it needs, in that one place. A role
 * includes the ones before it: {@link #ADMIN} ⊇ {@link #OPERATOR} ⊇ {@link #VIEWER}; {@link #PUBLIC} needs no
 * token. The server itself enforces nothing: the {@link Guard} it is given does (none: every route is open, which
 * is only allowed on a loopback address).
 */
public enum Role implements RouteRole {
    /** No token needed (the OpenAPI document, the dashboard's files). */
    PUBLIC,
    /** Reads runs, events, builds, reports. */
    VIEWER,
    /** Also starts, pauses, resumes and rolls back runs, and starts builds. */
    OPERATOR,
    /** Also manages tokens. */
    ADMIN;

    /** Whether a caller with this role may call a route that needs {@code required}. */
    public boolean includes(Role required) {
        return ordinal() >= required.ordinal();
    }

    /** The name used in the API and in {@code munero token create --role}: lower case. */
    public String label() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
