package dev.flexauth.server.observability;

import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The replica's name: {@code --instance-id}, else the {@code POD_NAME} environment variable (the
 * Kubernetes downward API), else the host name. It goes into every decision-log record, {@code /healthz},
 * the metrics and the server log's start line, so an operator can tell N replicas' logs and answers
 * apart. It is not a secret and need not be unique to be safe: decision ids are unique without it
 * (docs/scale-out.md), it only has to be unique to be useful.
 */
public final class InstanceId {
    /** A DNS name, a pod name or an address: what a host or pod can be called, and nothing a log line could be forged with. */
    private static final Pattern VALID = Pattern.compile("[A-Za-z0-9._:-]{1,253}");
    /** Where Linux keeps the host name; read rather than asked of DNS, which may be slow or absent in a container. */
    private static final Path KERNEL_HOSTNAME = Path.of("/proc/sys/kernel/hostname");

    private InstanceId() {
    }

    /** {@code POD_NAME}, else the host name, else {@code "unknown"}. */
    public static String fromEnvironment() {
        return resolve(System.getenv(), KERNEL_HOSTNAME);
    }

    public static String resolve(Map<String, String> env, Path kernelHostname) {
        String pod = env.get("POD_NAME");
        if (pod != null && VALID.matcher(pod.strip()).matches()) {
            return pod.strip();
        }
        try {
            String host = Files.readString(kernelHostname, StandardCharsets.US_ASCII).strip();
            if (VALID.matcher(host).matches()) {
                return host;
            }
        } catch (IOException e) {
            // Not Linux: ask the JDK below.
        }
        try {
            String host = InetAddress.getLocalHost().getHostName();
            if (VALID.matcher(host).matches()) {
                return host;
            }
        } catch (UnknownHostException e) {
            // Fall through.
        }
        return "unknown";
    }

    /** Throws a teaching error for an id that is absent or could break a log line or a metric label. */
    public static void check(String id) {
        if (id == null) {
            throw new IllegalArgumentException("expected an instance id (e.g. the pod name) but found none");
        }
        if (!VALID.matcher(id).matches()) {
            throw new IllegalArgumentException("expected an instance id of 1 to 253 letters, digits, '.', '_', '-' or ':'"
                    + " (a pod or host name) but found \"" + id.replaceAll("\\p{Cntrl}", "?") + "\"");
        }
    }
}
