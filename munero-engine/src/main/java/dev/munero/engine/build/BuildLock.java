package dev.munero.engine.build;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

/**
 * One build at a time per state directory (issue 9.9: two concurrent builds of one repository both ran
 * every step). A second build waits, says so once, and then finds the first one's results in the cache.
 *
 * <p>Two layers, because an OS file lock is held per process: a {@link ReentrantLock} per lock file for
 * builds in the same JVM (the daemon), then an exclusive {@link FileLock} on {@code <stateDir>/build.lock}
 * for builds in other processes. The holder writes its pid into the file, for the waiter's message. The
 * OS releases the file lock when the process dies, so a crashed build never blocks the next.
 *
 * <p>Thread-safe; {@link #close()} must be called by the thread that acquired it.
 */
final class BuildLock implements AutoCloseable {
    private static final ConcurrentHashMap<Path, ReentrantLock> IN_PROCESS = new ConcurrentHashMap<>();

    private final ReentrantLock local;
    private final FileChannel channel;
    private final FileLock lock;

    private BuildLock(ReentrantLock local, FileChannel channel, FileLock lock) {
        this.local = local;
        this.channel = channel;
        this.lock = lock;
    }

    /**
     * Takes the lock of {@code stateDir}, waiting as long as another build holds it.
     *
     * @param stateDir the build's state directory (created when missing)
     * @param waiting  told once, before waiting, who holds the lock
     * @throws IOException          when the lock file cannot be created or locked
     * @throws InterruptedException when interrupted while waiting (nothing is held then)
     */
    static BuildLock acquire(Path stateDir, Consumer<String> waiting) throws IOException, InterruptedException {
        Files.createDirectories(stateDir);
        Path file = stateDir.resolve("build.lock").toAbsolutePath().normalize();
        ReentrantLock local = IN_PROCESS.computeIfAbsent(file, f -> new ReentrantLock());
        boolean told = false;
        if (!local.tryLock()) {
            waiting.accept(message("another build of this repository is running in this Munero process (the daemon)"));
            told = true;
            local.lockInterruptibly();
        }
        FileChannel channel = null;
        try {
            channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
            FileLock lock = channel.tryLock();
            if (lock == null) {
                if (!told) {
                    waiting.accept(message("another munero build of this repository is running (" + holder(channel) + ")"));
                }
                lock = channel.lock(); // blocks; an interrupt closes the channel and throws
            }
            channel.truncate(0);
            channel.write(ByteBuffer.wrap(("pid " + ProcessHandle.current().pid() + "\n").getBytes(StandardCharsets.UTF_8)), 0);
            return new BuildLock(local, channel, lock);
        } catch (IOException | RuntimeException e) {
            if (channel != null) {
                channel.close();
            }
            local.unlock();
            if (e instanceof java.nio.channels.ClosedByInterruptException) {
                throw new InterruptedException("interrupted while waiting for another build");
            }
            throw e;
        }
    }

    private static String message(String who) {
        return who + "; waiting for it to finish, then this build reuses its results from the cache";
    }

    private static String holder(FileChannel channel) {
        try {
            ByteBuffer buf = ByteBuffer.allocate(64);
            int n = channel.read(buf, 0);
            String text = n <= 0 ? "" : new String(buf.array(), 0, n, StandardCharsets.UTF_8).strip();
            return text.isEmpty() ? "its pid is not recorded" : text;
        } catch (IOException e) {
            return "its pid is unreadable";
        }
    }

    @Override
    public void close() throws IOException {
        try {
            lock.release();
            channel.close();
        } finally {
            local.unlock();
        }
    }
}
