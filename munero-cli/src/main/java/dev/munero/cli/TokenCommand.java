package dev.munero.cli;

import dev.munero.core.app.Access;
import java.io.PrintStream;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/** {@code munero token create|list|revoke}: the API tokens of {@code munero serve}, in the server database. */
@Command(name = "token", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Make, list and revoke the API tokens munero serve accepts (Authorization: Bearer TOKEN).",
                "",
                "Roles: viewer reads; operator also starts, pauses, resumes and rolls back runs and starts builds; "
                + "admin may call every route (no route needs more than operator yet: tokens are managed with this "
                + "command, by whoever can write the server database). A token is shown once when it is made; "
                + "Munero keeps only its SHA-256, in "
                + "server.db beside the user config (~/.config/munero/server.db, or beside $MUNERO_CONFIG). Making "
                + "and revoking a token is recorded in the audit log (munero audit).",
                ""},
        subcommands = {TokenCommand.Create.class, TokenCommand.ListTokens.class, TokenCommand.Revoke.class},
        footer = {"", "Exit codes: 0 ok, 1 the server database cannot be written, 2 usage error (bad role or name, "
                + "a name in use, no such token)."})
final class TokenCommand implements Runnable {
    static final JsonMapper JSON = JsonMapper.builder().build();
    private static final DateTimeFormatter SHOWN = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'")
            .withZone(ZoneOffset.UTC);

    final Invocation invocation;

    TokenCommand(Invocation invocation) {
        this.invocation = invocation;
    }

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** Opens this user's server database. */
    static Access open(Invocation invocation, boolean create) {
        return Access.open(Access.database(invocation.env()), Clock.systemUTC(), create);
    }

    /** Base of the subcommands. */
    abstract static class Sub extends Subcommand {
        @picocli.CommandLine.ParentCommand
        TokenCommand parent;

        @Override
        Invocation invocation() {
            return parent.invocation;
        }

        @Override
        final int run() {
            return call(parent.invocation.out(), parent.invocation.err());
        }

        abstract int call(PrintStream out, PrintStream err);
    }

    @Command(name = "create", mixinStandardHelpOptions = true, sortOptions = false,
            description = {"Make a token and print it once on standard output (the notes go to standard error, so "
                    + "TOKEN=$(munero token create --role viewer) keeps only the token)."})
    static final class Create extends Sub {
        @Option(names = "--role", required = true, paramLabel = "ROLE",
                description = "viewer, operator or admin.")
        String role;

        @Option(names = "--name", paramLabel = "NAME",
                description = "A name to recognise it by in munero token list and the audit log (default: "
                        + "ROLE-XXXXXX). Letters, digits, '.', '_', '-'; unique among active tokens.")
        String name;

        @Option(names = "--json", description = "Print {id, name, role, created_at, token} as JSON.")
        boolean json;

        @Override
        int call(PrintStream out, PrintStream err) {
            Access.Role parsed = Access.Role.parse(role);
            try (Access access = open(parent.invocation, true)) {
                Access.Created created = access.create(name, parsed);
                Access.Token t = created.token();
                if (json) {
                    ObjectNode doc = tokenJson(t);
                    doc.put("token", created.secret());
                    out.println(JSON.writeValueAsString(doc));
                    return ExitCodes.OK;
                }
                out.println(created.secret());
                err.println("Made token '" + t.name() + "' (" + t.id() + "), role " + t.role().id() + ".");
                err.println("It is shown this once: keep it now (a password manager, a CI secret). Munero keeps only "
                        + "its SHA-256, in " + access.database() + ".");
                err.println("Send it as the header  Authorization: Bearer <token>;  revoke it with  munero token "
                        + "revoke " + t.name());
                return ExitCodes.OK;
            }
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true,
            description = "List the tokens, active and revoked, oldest first (never their secrets).")
    static final class ListTokens extends Sub {
        @Option(names = "--json", description = "Print a JSON array of {id, name, role, created_at, last_used_at, "
                + "revoked_at}.")
        boolean json;

        @Override
        int call(PrintStream out, PrintStream err) {
            List<Access.Token> tokens;
            try (Access access = open(parent.invocation, true)) {
                tokens = access.list();
            }
            if (json) {
                ArrayNode array = JSON.createArrayNode();
                tokens.forEach(t -> array.add(tokenJson(t)));
                out.println(JSON.writeValueAsString(array));
                return ExitCodes.OK;
            }
            if (tokens.isEmpty()) {
                out.println("No tokens. Make one with: munero token create --role viewer|operator|admin");
                return ExitCodes.OK;
            }
            List<String[]> rows = new java.util.ArrayList<>();
            rows.add(new String[] {"ID", "NAME", "ROLE", "CREATED", "LAST USED", "STATE"});
            for (Access.Token t : tokens) {
                rows.add(new String[] {t.id(), t.name(), t.role().id(), SHOWN.format(t.createdAt()),
                        t.lastUsedAt().map(SHOWN::format).orElse("never"),
                        t.revokedAt().map(r -> "revoked " + SHOWN.format(r)).orElse("active")});
            }
            printTable(out, rows);
            return ExitCodes.OK;
        }
    }

    @Command(name = "revoke", mixinStandardHelpOptions = true,
            description = "Revoke a token: from the next request on, it authenticates nothing (it stays listed).")
    static final class Revoke extends Sub {
        @Parameters(paramLabel = "NAME|ID", description = "The token's name or id (munero token list).")
        String token;

        @Override
        int call(PrintStream out, PrintStream err) {
            try (Access access = open(parent.invocation, false)) {
                Access.Token t = access.revoke(token);
                out.println("Revoked token '" + t.name() + "' (" + t.id() + "); it no longer authenticates.");
                return ExitCodes.OK;
            }
        }
    }

    static ObjectNode tokenJson(Access.Token t) {
        ObjectNode doc = JSON.createObjectNode();
        doc.put("id", t.id());
        doc.put("name", t.name());
        doc.put("role", t.role().id());
        doc.put("created_at", t.createdAt().toString());
        putInstant(doc, "last_used_at", t.lastUsedAt());
        putInstant(doc, "revoked_at", t.revokedAt());
        return doc;
    }

    private static void putInstant(ObjectNode doc, String key, Optional<Instant> at) {
        if (at.isPresent()) {
            doc.put(key, at.get().toString());
        } else {
            doc.putNull(key);
        }
    }

    /** Left-aligned columns, two spaces apart. */
    static void printTable(PrintStream out, List<String[]> rows) {
        int[] widths = new int[rows.getFirst().length];
        for (String[] row : rows) {
            for (int i = 0; i < row.length; i++) {
                widths[i] = Math.max(widths[i], row[i].length());
            }
        }
        for (String[] row : rows) {
            StringBuilder line = new StringBuilder();
            for (int i = 0; i < row.length; i++) {
                line.append(i == row.length - 1 ? row[i] : String.format("%-" + widths[i] + "s  ", row[i]));
            }
            out.println(line.toString().stripTrailing());
        }
    }
}
