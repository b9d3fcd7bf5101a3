package dev.munero.server;

import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.lang.reflect.WildcardType;
import java.time.Instant;
import java.time.temporal.TemporalAccessor;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The OpenAPI 3.1 document of the server, built from the route table ({@link ApiRoutes}), so it cannot list a route
 * the server lacks or miss one it has. Response and body schemas are derived from the records the routes answer
 * with (their components, named as the JSON mapper names them: snake_case). A WebSocket route is documented as a
 * {@code GET} answering 101. Each operation carries {@code x-munero-role}: the least role it needs.
 */
final class OpenApi {
    private static final Pattern PATH_PARAM = Pattern.compile("\\{([a-z_]+)}");
    private static final tools.jackson.databind.PropertyNamingStrategy NAMES = PropertyNamingStrategies.SNAKE_CASE;

    private final ObjectNode schemas = Json.MAPPER.createObjectNode();

    private OpenApi() {
    }

    /** The document for {@code routes}, as JSON. */
    static ObjectNode document(List<ApiRoute> routes, String version) {
        return new OpenApi().build(routes, version);
    }

    private ObjectNode build(List<ApiRoute> routes, String version) {
        ObjectNode doc = Json.MAPPER.createObjectNode().put("openapi", "3.1.0");
        doc.putObject("info").put("title", "Munero").put("version", version)
                .put("description", "Runs and builds of the served repositories. Errors are RFC 9457 "
                        + "application/problem+json. Times are ISO-8601 UTC, money USD, names snake_case.");
        ObjectNode paths = doc.putObject("paths");
        schemas.putObject("Problem").put("type", "object").putObject("properties")
                .<ObjectNode>set("type", scalar("string")).<ObjectNode>set("title", scalar("string"))
                .<ObjectNode>set("status", scalar("integer")).<ObjectNode>set("detail", scalar("string"))
                .set("instance", scalar("string"));
        for (ApiRoute route : routes) {
            ObjectNode item = paths.has(route.path()) ? (ObjectNode) paths.get(route.path())
                    : paths.putObject(route.path());
            if (route.isWebSocket()) {
                // a WebSocket upgrade is a GET; when the path also answers a plain GET, the one operation has both
                ObjectNode op = item.has("get") ? (ObjectNode) item.get("get") : operation(item, route, "get");
                op.putObject("x-websocket").put("summary", route.summary()).put("x-munero-role", route.role().label());
                ((ObjectNode) op.get("responses")).putObject("101").put("description",
                        "switches to the WebSocket protocol: "
                        + route.summary());
                if (!op.has("parameters") || op.get("parameters").isEmpty()) {
                    parameters(op, route);
                }
                continue;
            }
            ObjectNode op = operation(item, route, route.method().toLowerCase(Locale.ROOT));
            parameters(op, route);
            if (route.request() != null) {
                op.putObject("requestBody").put("required", false).set("content", content(route.request()));
            }
            ObjectNode ok = ((ObjectNode) op.get("responses")).putObject(Integer.toString(route.status()));
            ok.put("description", "success");
            if (route.response() != null) {
                ok.set("content", content(route.response()));
            }
        }
        doc.putObject("components").set("schemas", schemas);
        return doc;
    }

    private static ObjectNode operation(ObjectNode item, ApiRoute route, String method) {
        ObjectNode op = item.putObject(method);
        op.put("summary", route.summary());
        op.put("operationId", operationId(route));
        op.put("x-munero-role", route.role().label());
        ObjectNode responses = op.putObject("responses");
        if (route.path().startsWith(ApiRoutes.PREFIX + "/")) {
            responses.putObject("default").put("description", "an error (RFC 9457)")
                    .putObject("content").putObject(Problems.MEDIA_TYPE).putObject("schema")
                    .put("$ref", "#/components/schemas/Problem");
        }
        return op;
    }

    private static void parameters(ObjectNode op, ApiRoute route) {
        ArrayNode params = op.putArray("parameters");
        Matcher m = PATH_PARAM.matcher(route.path());
        while (m.find()) {
            params.addObject().put("name", m.group(1)).put("in", "path").put("required", true)
                    .set("schema", scalar("string"));
        }
        for (ApiRoute.Param p : route.query()) {
            params.addObject().put("name", p.name()).put("in", "query").put("required", false)
                    .put("description", p.description()).set("schema", scalar(p.type()));
        }
    }

    private static String operationId(ApiRoute route) {
        StringBuilder id = new StringBuilder(route.method().toLowerCase(Locale.ROOT));
        for (String part : route.path().split("/")) {
            if (part.isEmpty() || part.equals("api") || part.equals("v1")) {
                continue;
            }
            String word = part.replaceAll("[{}.]", "").replace('-', '_');
            for (String w : word.split("_")) {
                if (!w.isEmpty()) {
                    id.append(Character.toUpperCase(w.charAt(0))).append(w.substring(1));
                }
            }
        }
        return id.toString();
    }

    private ObjectNode content(ApiRoute.Shape shape) {
        ObjectNode content = Json.MAPPER.createObjectNode();
        switch (shape) {
            case ApiRoute.Shape.Of of -> content.putObject("application/json").set("schema", schema(of.type()));
            case ApiRoute.Shape.ListOf list -> content.putObject("application/json").putObject("schema")
                    .put("type", "array").set("items", schema(list.type()));
            case ApiRoute.Shape.PageOf page -> {
                ObjectNode s = content.putObject("application/json").putObject("schema").put("type", "object");
                ObjectNode props = s.putObject("properties");
                props.putObject("items").put("type", "array").set("items", schema(page.type()));
                props.set("total", scalar("integer"));
                props.set("limit", scalar("integer"));
                props.set("offset", scalar("integer"));
            }
            case ApiRoute.Shape.Text text -> content.putObject(text.mediaType()).putObject("schema")
                    .put("type", "string").put("description", text.description());
            case ApiRoute.Shape.AnyObject any -> content.putObject("application/json").putObject("schema")
                    .put("type", "object").put("description", any.description());
        }
        return content;
    }

    private static ObjectNode scalar(String type) {
        return Json.MAPPER.createObjectNode().put("type", type);
    }

    /** The schema of a Java type as the JSON mapper writes it. */
    private ObjectNode schema(Type type) {
        if (type instanceof WildcardType w) {
            return schema(w.getUpperBounds()[0]);
        }
        if (type instanceof ParameterizedType p) {
            Class<?> raw = (Class<?>) p.getRawType();
            Type[] args = p.getActualTypeArguments();
            if (Collection.class.isAssignableFrom(raw)) {
                ObjectNode s = scalar("array");
                s.set("items", schema(args[0]));
                return s;
            }
            if (Map.class.isAssignableFrom(raw)) {
                ObjectNode s = scalar("object");
                s.set("additionalProperties", schema(args[1]));
                return s;
            }
            if (Map.Entry.class.isAssignableFrom(raw)) {
                ObjectNode s = scalar("object");
                s.putObject("properties").<ObjectNode>set("key", schema(args[0])).set("value", schema(args[1]));
                return s;
            }
            if (raw == Optional.class) {
                return schema(args[0]);
            }
            return schema(raw);
        }
        Class<?> c = (Class<?>) type;
        if (c == String.class || c == char.class || c == java.nio.file.Path.class || c == java.time.Duration.class) {
            return scalar("string");
        }
        if (c == Instant.class || TemporalAccessor.class.isAssignableFrom(c)) {
            return scalar("string").put("format", "date-time");
        }
        if (c == int.class || c == long.class || c == Integer.class || c == Long.class || c == short.class) {
            return scalar("integer");
        }
        if (c == double.class || c == float.class || c == Double.class || c == Float.class
                || c == java.util.OptionalDouble.class) {
            return scalar("number");
        }
        if (c == boolean.class || c == Boolean.class) {
            return scalar("boolean");
        }
        if (JsonNode.class.isAssignableFrom(c) || c == Object.class) {
            return scalar("object");
        }
        if (c.isEnum()) {
            ObjectNode s = scalar("string");
            ArrayNode values = s.putArray("enum");
            for (Object constant : c.getEnumConstants()) {
                values.add(Json.MAPPER.valueToTree(constant).asString()); // as the JSON has it (@JsonValue)
            }
            return s;
        }
        if (Collection.class.isAssignableFrom(c)) {
            return scalar("array");
        }
        if (Map.class.isAssignableFrom(c)) {
            return scalar("object");
        }
        if (c.isRecord()) {
            String name = name(c);
            if (!schemas.has(name)) {
                ObjectNode s = schemas.putObject(name).put("type", "object");
                ObjectNode props = s.putObject("properties");
                for (RecordComponent rc : c.getRecordComponents()) {
                    if (rc.isAnnotationPresent(com.fasterxml.jackson.annotation.JsonIgnore.class)) {
                        continue; // not in the JSON either
                    }
                    props.set(NAMES.nameForField(null, null, rc.getName()), schema(rc.getGenericType()));
                }
            }
            return Json.MAPPER.createObjectNode().put("$ref", "#/components/schemas/" + name);
        }
        return scalar("object");
    }

    private static String name(Class<?> c) {
        return c.getEnclosingClass() == null ? c.getSimpleName() : name(c.getEnclosingClass()) + c.getSimpleName();
    }
}
