package dev.munero.server;

import io.javalin.config.JavalinConfig;
import java.util.List;

/**
 * A part that plugs into the server (metrics, the dashboard): routes it adds to the route table (so they get roles,
 * the guard and the OpenAPI document like every other route), observers of the event fan-out, and anything else it
 * sets on Javalin's configuration (static files). Called once, while the server is built.
 */
public interface Extension {
    /** Routes to add; their paths must not clash with the API's. */
    default List<ApiRoute> routes() {
        return List.of();
    }

    /** Observers of run and build events and of WebSocket clients. */
    default List<StreamObserver> observers() {
        return List.of();
    }

    /** Anything else on Javalin's configuration (e.g. {@code config.staticFiles.add(...)}). */
    default void configure(JavalinConfig config) {
    }
}
