package dev.munero.server;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * A WebSocket client on a plain socket with a small receive buffer that reads nothing until asked: a client that
 * really stops reading (the JDK's client keeps reading into its own buffers). It speaks just enough RFC 6455 to
 * read a server's unmasked text and close frames.
 */
final class RawWsClient implements AutoCloseable {
    /** What was read: the text frames, then the close frame's code and reason (0 and null if none). */
    record Read(List<String> texts, int closeCode, String closeReason) { }

    private final Socket socket = new Socket();
    private final DataInputStream in;

    RawWsClient(int port, String path) throws IOException {
        socket.setReceiveBufferSize(4096);
        socket.connect(new InetSocketAddress("127.0.0.1", port));
        OutputStream out = socket.getOutputStream();
        String key = Base64.getEncoder().encodeToString("munero-slow-test".getBytes(StandardCharsets.US_ASCII));
        out.write(("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\nUpgrade: websocket\r\n"
                + "Connection: Upgrade\r\nSec-WebSocket-Key: " + key + "\r\nSec-WebSocket-Version: 13\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
        out.flush();
        in = new DataInputStream(socket.getInputStream());
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        while (!head.toString(StandardCharsets.US_ASCII).endsWith("\r\n\r\n")) {
            head.write(in.readUnsignedByte());
        }
        if (!head.toString(StandardCharsets.US_ASCII).startsWith("HTTP/1.1 101")) {
            throw new IOException("no upgrade: " + head);
        }
    }

    /** Reads frames until the close frame (or the end of the stream). */
    Read readAll() throws IOException {
        List<String> texts = new ArrayList<>();
        ByteArrayOutputStream message = new ByteArrayOutputStream();
        while (true) {
            int b0;
            try {
                b0 = in.readUnsignedByte();
            } catch (java.io.EOFException e) {
                return new Read(texts, 0, null);
            }
            int b1 = in.readUnsignedByte();
            long len = b1 & 0x7f;
            if (len == 126) {
                len = in.readUnsignedShort();
            } else if (len == 127) {
                len = in.readLong();
            }
            byte[] payload = new byte[(int) len];
            in.readFully(payload);
            int opcode = b0 & 0x0f;
            if (opcode == 8) {
                int code = payload.length >= 2 ? ((payload[0] & 0xff) << 8) | (payload[1] & 0xff) : 0;
                String reason = payload.length > 2 ? new String(payload, 2, payload.length - 2,
                        StandardCharsets.UTF_8) : "";
                return new Read(texts, code, reason);
            }
            if (opcode == 1 || opcode == 0) { // a text frame, or a continuation of one
                message.write(payload);
                if ((b0 & 0x80) != 0) {
                    texts.add(message.toString(StandardCharsets.UTF_8));
                    message.reset();
                }
            }
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
