package dev.munero.engine.cache.remote;

/**
 * What a build did with its remote cache, in the JSON run report ({@code remoteCache}).
 *
 * @param url               the server's root URL (never a token)
 * @param protocol          {@code bazel} or {@code turborepo}
 * @param mode              {@code read}, {@code write} or {@code readwrite}
 * @param hits              steps restored from entries downloaded from it
 * @param downloadedBytes   bytes of manifests and blobs downloaded
 * @param uploads           entries uploaded (each: its missing blobs, then its manifest)
 * @param uploadedBytes     bytes of manifests and blobs uploaded
 * @param unfinishedUploads entries whose upload had not finished when the build stopped waiting for them
 * @param problem           the one warning the build gave about it (unreachable, refused, full, too slow), or null
 */
public record RemoteCacheReport(String url, String protocol, String mode, int hits, long downloadedBytes, int uploads,
                                long uploadedBytes, int unfinishedUploads, String problem) {
}
