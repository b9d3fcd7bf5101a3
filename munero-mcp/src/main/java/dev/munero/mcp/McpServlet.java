package dev.munero.mcp;

import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletConfig;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The SDK's Streamable HTTP servlet with Munero's two additions on the way in (as {@link CancellingSession} for
 * stdio): a POST's body is read once and looked at before the SDK reads it again from a copy: the id of the request
 * it carries goes to the request attribute {@link #REQUEST_ID_ATTRIBUTE} (the context extractor puts it in the
 * transport context), and a {@code notifications/cancelled} goes to the {@link Cancellations} under the request's
 * {@code Mcp-Session-Id}. A body that is not JSON is passed on untouched (the SDK answers it). Thread-safe.
 */
final class McpServlet extends HttpServlet {
    /** The request attribute with the JSON-RPC id (text) of the single request a POST carries. */
    static final String REQUEST_ID_ATTRIBUTE = "dev.munero.mcp.request_id";
    /** The largest body read, bytes (the SDK's own default limit is smaller). */
    private static final int MAX_BODY = 16 * 1024 * 1024;
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final HttpServlet sdk;
    private final Cancellations cancellations;

    McpServlet(HttpServlet sdk, Cancellations cancellations) {
        this.sdk = sdk;
        this.cancellations = cancellations;
    }

    @Override
    public void init(ServletConfig config) throws ServletException {
        super.init(config);
        sdk.init(config);
    }

    @Override
    public void destroy() {
        sdk.destroy();
    }

    @Override
    protected void service(HttpServletRequest req, HttpServletResponse resp) throws ServletException, IOException {
        if (!"POST".equals(req.getMethod())) {
            sdk.service(req, resp);
            return;
        }
        byte[] body = req.getInputStream().readNBytes(MAX_BODY + 1);
        if (body.length > MAX_BODY) {
            resp.sendError(HttpServletResponse.SC_REQUEST_ENTITY_TOO_LARGE, "an MCP message is at most "
                    + MAX_BODY + " bytes");
            return;
        }
        look(req, body);
        sdk.service(new Replayed(req, body), resp);
    }

    private void look(HttpServletRequest req, byte[] body) {
        JsonNode tree;
        try {
            tree = JSON.readTree(body);
        } catch (JacksonException e) {
            return;
        }
        if (tree == null || !tree.isObject()) {
            return; // batches were removed from the protocol in 2025-06-18
        }
        String method = tree.path("method").asString("");
        if (CancellingSession.CANCELLED.equals(method)) {
            JsonNode id = tree.path("params").path("requestId");
            if (!id.isMissingNode() && !id.isNull()) {
                cancellations.cancelled(req.getHeader("Mcp-Session-Id"), id.isNumber() ? id.numberValue()
                        : id.asString());
            }
        } else if (!method.isEmpty() && tree.has("id") && !tree.get("id").isNull()) {
            JsonNode id = tree.get("id");
            req.setAttribute(REQUEST_ID_ATTRIBUTE, id.isNumber() ? String.valueOf(id.numberValue()) : id.asString());
        }
    }

    /** The request with its body read again from memory. */
    private static final class Replayed extends HttpServletRequestWrapper {
        private final byte[] body;

        Replayed(HttpServletRequest request, byte[] body) {
            super(request);
            this.body = body;
        }

        @Override
        public ServletInputStream getInputStream() {
            ByteArrayInputStream in = new ByteArrayInputStream(body);
            return new ServletInputStream() {
                @Override
                public boolean isFinished() {
                    return in.available() == 0;
                }

                @Override
                public boolean isReady() {
                    return true;
                }

                /** The body is in memory: available now, then all read ({@code ServletInputStream#setReadListener}). */
                @Override
                public void setReadListener(ReadListener listener) {
                    try {
                        if (!isFinished()) {
                            listener.onDataAvailable();
                        }
                        listener.onAllDataRead();
                    } catch (java.io.IOException | RuntimeException e) {
                        listener.onError(e);
                    }
                }

                @Override
                public int read() {
                    return in.read();
                }

                @Override
                public int read(byte[] b, int off, int len) {
                    return in.read(b, off, len);
                }
            };
        }

        @Override
        public BufferedReader getReader() {
            String enc = getCharacterEncoding();
            return new BufferedReader(new InputStreamReader(getInputStream(),
                    enc == null ? StandardCharsets.UTF_8 : java.nio.charset.Charset.forName(enc)));
        }

        @Override
        public int getContentLength() {
            return body.length;
        }

        @Override
        public long getContentLengthLong() {
            return body.length;
        }
    }
}
