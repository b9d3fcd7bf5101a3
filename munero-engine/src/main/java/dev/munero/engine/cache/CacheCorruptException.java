package dev.munero.engine.cache;

/** A cache entry or blob whose content does not match its hash or cannot be parsed; treated as a miss. */
public final class CacheCorruptException extends Exception {
    public CacheCorruptException(String message) {
        super(message);
    }
}
