package dev.munero.engine.detect;

/** A build file that exists but cannot be read or understood; the message names the file and the problem. */
public final class DetectionException extends Exception {
    public DetectionException(String message) {
        super(message);
    }

    public DetectionException(String message, Throwable cause) {
        super(message, cause);
    }
}
