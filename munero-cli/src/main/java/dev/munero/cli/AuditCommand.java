package dev.munero.cli;

import dev.munero.core.app.Access;
import dev.munero.core.app.AppException;
import java.io.PrintStream;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/** {@code munero audit [--limit N] [--json] [--verify]}: the server's audit log, and the check of its hash chain. */
@Command(name = "audit", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Show the audit log of munero serve (every mutating request and every use of a token: who, "
                + "what, when, from where, the outcome; tokens by name, never their secrets), or check it.",
                "",
                "Each row stores the previous row's hash and its own hash over its content, so --verify finds a row "
                + "that was edited, deleted or inserted after it was written, and the newest rows deleted. The log is "
                + "in server.db beside the user config.",
                ""},
        footer = {"", "Exit codes: 0 ok (with --verify: the chain is intact), 1 the chain is broken (the first broken "
                + "row is printed) or the database cannot be read, 2 usage error or no server database."})
final class AuditCommand implements Callable<Integer> {
    private final Invocation invocation;

    AuditCommand(Invocation invocation) {
        this.invocation = invocation;
    }

    @Option(names = "--limit", paramLabel = "N", defaultValue = "50",
            description = "Show the newest N rows, oldest of them first (default: ${DEFAULT-VALUE}).")
    int limit;

    @Option(names = "--json", description = "Print JSON: an array of rows (with their hashes), or with --verify "
            + "{intact, rows, head_hash, first_break}.")
    boolean json;

    @Option(names = "--verify", description = "Check the whole hash chain instead of listing rows; exit 1 and print "
            + "the first broken row when it does not check out.")
    boolean verify;

    @Override
    public Integer call() {
        PrintStream out = invocation.out();
        PrintStream err = invocation.err();
        try (Access access = TokenCommand.open(invocation, false)) {
            return verify ? verify(access, out, err) : list(access, out);
        } catch (AppException e) {
            return RunDriver.error(err, e);
        }
    }

    private int list(Access access, PrintStream out) {
        List<Access.AuditRecord> rows = new ArrayList<>(access.audit(limit));
        java.util.Collections.reverse(rows);
        if (json) {
            ArrayNode array = TokenCommand.JSON.createArrayNode();
            rows.forEach(r -> array.add(rowJson(r)));
            out.println(TokenCommand.JSON.writeValueAsString(array));
            return ExitCodes.OK;
        }
        if (rows.isEmpty()) {
            out.println("The audit log is empty.");
            return ExitCodes.OK;
        }
        List<String[]> table = new ArrayList<>();
        table.add(new String[] {"#", "AT", "WHO", "FROM", "STATUS", "ACTION"});
        rows.forEach(r -> table.add(cells(r)));
        TokenCommand.printTable(out, table);
        return ExitCodes.OK;
    }

    private int verify(Access access, PrintStream out, PrintStream err) {
        Access.Verification v = access.verify();
        if (json) {
            ObjectNode doc = TokenCommand.JSON.createObjectNode();
            doc.put("intact", v.intact());
            doc.put("rows", v.rows());
            doc.put("head_hash", v.headHash());
            if (v.firstBreak().isPresent()) {
                Access.Break b = v.firstBreak().get();
                ObjectNode broken = doc.putObject("first_break");
                broken.put("row", b.row());
                broken.put("kind", b.kind());
                broken.put("detail", b.detail());
                if (b.found().isPresent()) {
                    broken.set("found", rowJson(b.found().get()));
                } else {
                    broken.putNull("found");
                }
            } else {
                doc.putNull("first_break");
            }
            out.println(TokenCommand.JSON.writeValueAsString(doc));
            return v.intact() ? ExitCodes.OK : ExitCodes.FAILED;
        }
        if (v.intact()) {
            out.println("The audit log is intact: " + v.rows() + (v.rows() == 1 ? " row" : " rows")
                    + ", every hash and link checks out.");
            out.println("Head hash: " + v.headHash() + " (keep it elsewhere to detect a later rewrite of the whole "
                    + "chain)");
            return ExitCodes.OK;
        }
        Access.Break b = v.firstBreak().orElseThrow();
        err.println("munero: error: the audit log is broken at row " + b.row() + " (" + b.kind() + "): " + b.detail());
        if (b.found().isPresent()) {
            List<String[]> table = new ArrayList<>();
            table.add(new String[] {"#", "AT", "WHO", "FROM", "STATUS", "ACTION"});
            table.add(cells(b.found().get()));
            TokenCommand.printTable(err, table);
        }
        err.println("munero: the rows before row " + b.row() + " check out; " + v.rows() + " rows are present.");
        return ExitCodes.FAILED;
    }

    private static String[] cells(Access.AuditRecord r) {
        return new String[] {Long.toString(r.id()), r.at().truncatedTo(ChronoUnit.SECONDS).toString(), r.who(),
                r.remote(), Integer.toString(r.status()), r.action()};
    }

    private static ObjectNode rowJson(Access.AuditRecord r) {
        ObjectNode doc = TokenCommand.JSON.createObjectNode();
        doc.put("id", r.id());
        doc.put("at", r.at().toString());
        doc.put("who", r.who());
        if (r.tokenId().isPresent()) {
            doc.put("token_id", r.tokenId().get());
        } else {
            doc.putNull("token_id");
        }
        doc.put("action", r.action());
        doc.put("remote", r.remote());
        doc.put("status", r.status());
        doc.put("prev_hash", r.prevHash());
        doc.put("hash", r.hash());
        return doc;
    }
}
