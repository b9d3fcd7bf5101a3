package dev.munero.mcp;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.json.JsonMapper;

/**
 * The stdio transport's input with every line that is not a JSON value left out. The SDK's stdio transport ends
 * the whole session on such a line (and drops the requests still in flight); the MCP stdio transport sends one
 * JSON-RPC message per line (spec 2025-11-25, Transports: stdio), so a line that does not parse cannot be a message
 * and its request id is unknown: it is skipped with a note on {@code notices} (the host's log of the server's
 * standard error), and the session goes on. Blank lines are skipped silently.
 *
 * <p>Not thread-safe: one reader (the transport's thread).
 */
final class JsonLines extends InputStream {
    private static final JsonMapper JSON = JsonMapper.builder().build();
    /** The longest a skipped line is quoted in the note, in characters. */
    private static final int QUOTE = 200;

    private final InputStream in;
    private final PrintStream notices;
    private byte[] line = new byte[0];
    private int pos;

    JsonLines(InputStream in, PrintStream notices) {
        this.in = in;
        this.notices = notices;
    }

    @Override
    public int read() throws IOException {
        if (!fill()) {
            return -1;
        }
        return line[pos++] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (len == 0) {
            return 0;
        }
        if (!fill()) {
            return -1;
        }
        int n = Math.min(len, line.length - pos);
        System.arraycopy(line, pos, b, off, n);
        pos += n;
        return n;
    }

    @Override
    public void close() throws IOException {
        in.close();
    }

    /** Makes sure a JSON line (with its newline) is buffered; false at the end of the input. */
    private boolean fill() throws IOException {
        while (pos >= line.length) {
            ByteArrayOutputStream buf = new ByteArrayOutputStream();
            int c;
            while ((c = in.read()) != -1 && c != '\n') {
                buf.write(c);
            }
            if (c == -1 && buf.size() == 0) {
                return false;
            }
            String text = buf.toString(StandardCharsets.UTF_8);
            if (text.isBlank()) {
                continue;
            }
            try {
                JSON.readTree(text);
            } catch (JacksonException e) {
                notices.println("munero mcp: skipped a line of standard input that is not JSON (each MCP message is "
                        + "one line of JSON-RPC): " + (text.length() <= QUOTE ? text : text.substring(0, QUOTE)
                        + "..."));
                continue;
            }
            buf.write('\n');
            line = buf.toByteArray();
            pos = 0;
        }
        return true;
    }
}
