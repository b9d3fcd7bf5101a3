package dev.munero.store;

import java.nio.file.Path;
import java.time.Clock;
import tools.jackson.databind.json.JsonMapper;

/**
 * A child process for {@link StoreTest}: creates run {@code args[1]} in database {@code args[0]}, prints
 * "ready", then appends events as fast as it can until it is killed.
 */
public final class AppendForever {
    private AppendForever() {
    }

    public static void main(String[] args) {
        JsonMapper json = JsonMapper.builder().build();
        try (Store store = Store.open(Path.of(args[0]), Clock.systemUTC())) {
            store.createRun(args[1], "Building", json.createObjectNode(), json.createObjectNode());
            System.out.println("ready");
            System.out.flush();
            for (long i = 1; ; i++) {
                final long n = i;
                store.append(args[1], "tick", json.createObjectNode().put("n", n),
                        r -> r.withSummary(r.summary().put("ticks", n)));
            }
        }
    }
}
