package dev.munero.memory;

import java.nio.file.Path;
import java.time.Clock;
import java.util.List;

/**
 * A child process for {@link CrossProcessTest}: opens the memory bank at {@code args[0]}, writes {@code args[1]}
 * entries {@code child/<i>} in namespace {@code run:child} and bumps {@code project/shared} once, then exits 0.
 */
public final class WriteEntries {
    private WriteEntries() {
    }

    public static void main(String[] args) throws Exception {
        int count = Integer.parseInt(args[1]);
        try (MemoryBank bank = MemoryBank.open(Path.of(args[0]), Clock.systemUTC())) {
            for (int i = 0; i < count; i++) {
                bank.put(new PutRequest("run:child", "child/" + i, "note", "written by the child process " + i,
                        ValueType.TEXT, List.of("child"), new Author("child-agent", "t" + i, "child"),
                        PutRequest.ABSENT));
            }
            Entry shared = bank.get("project", "shared").orElseThrow();
            bank.put(new PutRequest("project", "shared", "note", "child was here", ValueType.TEXT, List.of(),
                    new Author("child-agent", null, "child"), shared.version()));
        }
        System.out.println("wrote " + count);
    }
}
