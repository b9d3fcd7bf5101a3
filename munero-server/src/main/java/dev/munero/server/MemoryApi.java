package dev.munero.server;

import dev.munero.core.app.AppException;
import dev.munero.core.app.Memory;
import dev.munero.memory.Author;
import dev.munero.memory.Filter;
import dev.munero.memory.PutRequest;
import dev.munero.memory.ValueType;
import dev.munero.server.security.Principal;
import io.javalin.http.Context;
import java.time.Clock;
import java.util.List;
import java.util.function.Function;

/**
 * The handlers of the memory routes ({@code /api/v1/repos/{repo}/memory...}, issue 14): each opens the served
 * repository's memory bank through {@link Memory} (the file {@code munero run}'s agents and {@code munero memory}
 * use), makes one call and answers as JSON; an {@link AppException} becomes problem+json by its kind (a stale
 * {@code expected_version} is a 409 naming the current version and its author). Writes are attributed to
 * {@code api:<token name>}. Thread-safe: each request opens and closes its own bank.
 */
final class MemoryApi {
    static final String PUT_SHAPE = "{\"namespace\": \"project\", \"key\": KEY, \"value\": TEXT, \"kind\": \"note\", "
            + "\"value_type\": \"text\", \"tags\": [TAG...], \"expected_version\": 0} (key and value required; "
            + "expected_version: the version read, 0 to create only (the default), -1 for any)";
    /** Entries or hits a list or search returns when no limit is given. */
    static final int DEFAULT_LIMIT = 50;
    /** The request attribute TokenGuard puts the caller in. */
    private static final String PRINCIPAL = "munero.principal";

    private final Repos repos;
    private final Clock clock;

    MemoryApi(Repos repos, Clock clock) {
        this.repos = repos;
        this.clock = clock;
    }

    /** {@code PUT /api/v1/repos/{repo}/memory/entry}. */
    record PutEntry(String namespace, String key, String value, String kind, String valueType, List<String> tags,
                    Long expectedVersion) { }

    /** What {@code DELETE} answers. */
    record Deleted(String namespace, String key, boolean deleted) { }

    void list(Context ctx) {
        Filter filter = filter(ctx);
        int limit = (int) Params.integer(ctx, "limit", DEFAULT_LIMIT, 1, Memory.MAX_LIMIT);
        ctx.json(with(ctx, false, m -> m.list(filter, limit)));
    }

    void search(Context ctx) {
        String q = ctx.queryParam("q");
        if (q == null || q.isBlank()) {
            throw ProblemException.badRequest("the query parameter q (the words to look for) is required");
        }
        Filter filter = filter(ctx);
        int limit = (int) Params.integer(ctx, "limit", 10, 1, Memory.MAX_LIMIT);
        ctx.json(with(ctx, false, m -> m.search(q, filter, limit)));
    }

    void stats(Context ctx) {
        ctx.json(with(ctx, false, Memory::stats));
    }

    void show(Context ctx) {
        String namespace = namespace(ctx);
        String key = key(ctx);
        ctx.json(with(ctx, false, m -> m.show(namespace, key)));
    }

    void put(Context ctx) {
        PutEntry body = Json.body(ctx, PutEntry.class, PUT_SHAPE);
        if (body.key() == null || body.value() == null) {
            throw ProblemException.badRequest("key and value are required; send " + PUT_SHAPE);
        }
        PutRequest request;
        try {
            request = new PutRequest(body.namespace() == null ? "project" : body.namespace(), body.key(),
                    body.kind() == null ? "note" : body.kind(), body.value(),
                    body.valueType() == null ? ValueType.TEXT : ValueType.fromWireName(body.valueType()),
                    body.tags() == null ? List.of() : body.tags(), author(ctx),
                    body.expectedVersion() == null ? PutRequest.ABSENT : body.expectedVersion());
        } catch (IllegalArgumentException e) {
            throw ProblemException.badRequest(e.getMessage());
        }
        ctx.json(with(ctx, true, m -> m.put(request)));
    }

    void delete(Context ctx) {
        String namespace = namespace(ctx);
        String key = key(ctx);
        long expected = Params.integer(ctx, "expected_version", PutRequest.ANY, PutRequest.ANY, Long.MAX_VALUE);
        with(ctx, false, m -> {
            m.delete(namespace, key, expected);
            return null;
        });
        ctx.json(new Deleted(namespace, key, true));
    }

    private <T> T with(Context ctx, boolean create, Function<Memory, T> call) {
        ServedRepo repo = repos.get(ctx.pathParam("repo"));
        try (Memory memory = Memory.open(repo.path(), clock, create)) {
            return call.apply(memory);
        }
    }

    private static Author author(Context ctx) {
        Object who = ctx.attribute(PRINCIPAL);
        return new Author("api:" + (who instanceof Principal p ? p.name() : "anonymous"), null, null);
    }

    private static Filter filter(Context ctx) {
        try {
            return new Filter(ctx.queryParam("namespace"), ctx.queryParam("kind"), Params.list(ctx, "tag"));
        } catch (IllegalArgumentException e) {
            throw ProblemException.badRequest(e.getMessage());
        }
    }

    private static String namespace(Context ctx) {
        String ns = ctx.queryParam("namespace");
        return ns == null || ns.isBlank() ? "project" : ns;
    }

    private static String key(Context ctx) {
        String key = ctx.queryParam("key");
        if (key == null || key.isEmpty()) {
            throw ProblemException.badRequest("the query parameter key (the entry's key) is required");
        }
        return key;
    }
}
