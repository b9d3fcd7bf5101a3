package dev.munero.store;

import java.nio.file.Path;
import java.time.Clock;
import tools.jackson.databind.json.JsonMapper;

/**
 * A child process for {@link StoreTest}: opens database {@code args[0]} (creating and migrating it when new), creates
 * run {@code args[1]} and prints "ok".
 */
public final class OpenAndCreate {
    private OpenAndCreate() {
    }

    public static void main(String[] args) {
        JsonMapper json = JsonMapper.builder().build();
        try (Store store = Store.open(Path.of(args[0]), Clock.systemUTC())) {
            store.createRun(args[1], "Building", json.createObjectNode(), json.createObjectNode());
        }
        System.out.println("ok");
    }
}
