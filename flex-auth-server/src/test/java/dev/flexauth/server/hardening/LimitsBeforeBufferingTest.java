package dev.flexauth.server.hardening;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 8, out-of-memory safety: a server process with a 64 MiB heap is sent bodies and given
 * snapshots far larger than its heap, and stays up. Requests over the body limit are refused on
 * their declared length before a byte of the body is read, and chunked bodies, however long, are
 * refused with 411 without being read; a registry snapshot over 512 MiB and a policy over 4 MiB are refused on their file size
 * before they are read, at start and on reload. BadInputTest holds the exact 413 bodies.
 */
class LimitsBeforeBufferingTest {
    static final String ADMIN_TOKEN = "admin-token-for-limits";
    static final int STREAMS = Scale.of(8, 32);
    static final long STREAM_BYTES = Scale.of(64, 512) * (1L << 20);

    @TempDir
    Path dir;

    private static void sparse(Path file, long bytes) throws Exception {
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
            f.setLength(bytes);
        }
    }

    private static long peakRssKib(long pid) throws Exception {
        for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
            if (line.startsWith("VmHWM:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        return -1;
    }

    @Test
    void bodies_and_snapshots_far_larger_than_the_heap_are_refused_before_they_are_read() throws Exception {
        Path registry = Files.copy(InProcessServer.REGISTRY, dir.resolve("registry.json"));
        Path policy = Files.copy(InProcessServer.POLICY, dir.resolve("policy.md"));
        Path token = Files.writeString(dir.resolve("admin.token"), ADMIN_TOKEN);
        try (ServedProcess server = ServedProcess.start(List.of("-Xmx64m"), List.of("--registry", registry.toString(),
                "--policy", policy.toString(), "--addr", "127.0.0.1:0", "--admin-token-file", token.toString(), "--no-watch",
                "--no-sighup"))) {
            int port = server.port();
            long rssBefore = peakRssKib(server.pid());

            // Declared lengths beyond the heap, and beyond int: refused without sending the body at all.
            for (String length : List.of("2147483648", "9223372036854775807", Long.toString(STREAM_BYTES))) {
                Answer a = Client.once(port, Wire.head("POST", "/v1/check", "Content-Type: application/json",
                        "Content-Length: " + length).getBytes(StandardCharsets.ISO_8859_1));
                assertEquals(413, a.status(), a::toString);
            }

            // Chunked bodies streamed without end, several at once: refused (411) before their first chunk is read.
            ExecutorService pool = Executors.newFixedThreadPool(STREAMS);
            List<Future<long[]>> streams = new ArrayList<>();
            for (int i = 0; i < STREAMS; i++) {
                streams.add(pool.submit(() -> stream(port)));
            }
            long mostSent = 0;
            for (Future<long[]> f : streams) {
                long[] r = f.get();
                assertEquals(411, r[0], "a chunked stream");
                mostSent = Math.max(mostSent, r[1]);
            }
            pool.shutdown();

            // Snapshots over the loader's limits, given to a running server: rejected reloads.
            sparse(registry.resolveSibling("huge.json"), 600L << 20);
            Files.move(registry.resolveSibling("huge.json"), registry, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            Answer hugeRegistry = Client.once(port, Wire.post("/v1/admin/reload", new byte[0], "Authorization: Bearer " + ADMIN_TOKEN));
            Files.copy(InProcessServer.REGISTRY, registry, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            sparse(policy, 5L << 20);
            Answer hugePolicy = Client.once(port, Wire.post("/v1/admin/reload", new byte[0], "Authorization: Bearer " + ADMIN_TOKEN));
            Answer still = Client.postOnce(port, "/v1/check",
                    "{\"actor\":\"agt-state-hub-bridge\",\"subject\":\"iam:agt-state-hub-bridge\",\"action\":\"ssh.sign\"}");
            long rssAfter = peakRssKib(server.pid());

            Figures.of("limits-before-buffering").put("heap", "64 MiB").put("declared_lengths_refused", 3)
                    .put("chunked_streams", STREAMS).put("stream_bytes_offered", STREAM_BYTES)
                    .put("most_bytes_a_stream_got_out_before_411", mostSent)
                    .put("registry_bytes", 600L << 20).put("policy_bytes", 5L << 20)
                    .put("peak_rss_kib_before", rssBefore).put("peak_rss_kib_after", rssAfter).print();

            assertEquals(422, hugeRegistry.status(), hugeRegistry::toString);
            assertTrue(hugeRegistry.text().contains("more than the limit of 536870912 bytes"), hugeRegistry::toString);
            assertEquals(422, hugePolicy.status(), hugePolicy::toString);
            assertTrue(hugePolicy.text().contains("larger than 4194304 bytes"), hugePolicy::toString);
            assertTrue(still.grants(), still::toString);
            assertTrue(server.alive(), server::output);
            assertTrue(!server.output().contains("OutOfMemoryError"), server::output);
            assertTrue(mostSent < STREAM_BYTES / 4, "a stream was read far past the limit: " + mostSent + " bytes");
        }
    }

    @Test
    void a_snapshot_over_the_limit_refuses_to_start_without_reading_it() throws Exception {
        Path registry = dir.resolve("registry.json");
        sparse(registry, 600L << 20);
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx64m", "-cp",
                System.getProperty("java.class.path"), ServeMain.class.getName(), "--registry", registry.toString(), "--policy",
                InProcessServer.POLICY.toString(), "--addr", "127.0.0.1:0").redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);

        assertEquals(1, p.waitFor(), output);
        assertTrue(output.contains(registry + ": "), output);
        assertTrue(!output.contains("OutOfMemoryError"), output);
    }

    /** Streams 64 KiB chunks until the server answers or closes; returns {status, bytes written}. */
    private static long[] stream(int port) {
        byte[] chunk = Wire.concat(("10000\r\n").getBytes(StandardCharsets.ISO_8859_1), new byte[1 << 16],
                "\r\n".getBytes(StandardCharsets.ISO_8859_1));
        java.util.Arrays.fill(chunk, 7, 7 + (1 << 16), (byte) '[');
        AtomicLong sent = new AtomicLong();
        try (Wire w = Wire.open(port)) {
            w.send(Wire.head("POST", "/v1/check", "Content-Type: application/json", "Transfer-Encoding: chunked"));
            Thread writer = new Thread(() -> {
                while (sent.get() < STREAM_BYTES && !w.sendFailed()) {
                    w.send(chunk);
                    if (!w.sendFailed()) {
                        sent.addAndGet(1 << 16);
                    }
                }
            });
            writer.start();
            Answer a = w.read();
            long atAnswer = sent.get();
            try {
                writer.join(30_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return new long[] {a.status(), atAnswer};
        }
    }
}
