package dev.munero.cli;

import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;

/** {@code munero test}: {@code munero build test}, the test task of every package (or of the one you stand in). */
@Command(name = "test", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Run the tests: the same as 'munero build test' (the test steps, with everything they depend "
                + "on, restored from the cache when unchanged). Other TARGETs are built too.", ""},
        footer = {"", "Every build writes .munero/reports/<run-id>.json and .munero/reports/latest.json.",
                "Exit codes: 0 ok, 1 build failed, 2 usage or configuration error, 130 interrupted."})
final class TestCommand extends BuildCommand {
    static final String TEST_TASK = "test";

    TestCommand(Invocation invocation) {
        super(invocation);
    }

    @Override
    List<String> requested() {
        List<String> names = new ArrayList<>(List.of(TEST_TASK));
        names.addAll(super.requested());
        return names;
    }
}
