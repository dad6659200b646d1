package dev.flexauth.registry;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HexFormat;
import java.util.List;

/**
 * SHA-256 over the canonical JSON form of a snapshot's data: members sorted by name (UTF-16 code
 * unit order, as RFC 8785), entities sorted by id, no whitespace, strings escaped as RFC 8785
 * does, integers in decimal, list order kept. The {@code source} block is left out. The exact
 * form is documented in {@code docs/registry-format.md} so a generator in another language can
 * compute the same digest.
 */
final class CanonicalDigest {
    private final MessageDigest sha;
    private final byte[] buf = new byte[1 << 16];
    private int len;

    private CanonicalDigest() {
        try {
            sha = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
    }

    static String of(int formatVersion, Collection<EntityKind> kindsSortedByName) {
        CanonicalDigest d = new CanonicalDigest();
        d.ascii("{\"entities\":{");
        boolean firstKind = true;
        for (EntityKind kind : kindsSortedByName) {
            if (!firstKind) {
                d.ascii(",");
            }
            firstKind = false;
            d.string(kind.name());
            d.ascii(":[");
            List<String> names = new ArrayList<>(kind.layout().names());
            names.add("id");
            names.sort(null);
            int[] slots = new int[names.size()];
            for (int i = 0; i < slots.length; i++) {
                slots[i] = names.get(i).equals("id") ? -1 : kind.layout().slotOf(names.get(i));
            }
            boolean firstEntity = true;
            for (Entity e : kind.entities()) {
                if (!firstEntity) {
                    d.ascii(",");
                }
                firstEntity = false;
                d.ascii("{");
                boolean firstMember = true;
                for (int i = 0; i < slots.length; i++) {
                    Object v = slots[i] < 0 ? e.id() : e.valueAt(slots[i]);
                    if (v == null) {
                        continue;
                    }
                    if (!firstMember) {
                        d.ascii(",");
                    }
                    firstMember = false;
                    d.string(names.get(i));
                    d.ascii(":");
                    d.value(v);
                }
                d.ascii("}");
            }
            d.ascii("]");
        }
        d.ascii("},\"format\":");
        d.string(RegistryLoader.FORMAT);
        d.ascii(",\"format_version\":" + formatVersion + "}");
        return "sha256:" + d.finish();
    }

    private void value(Object v) {
        if (v instanceof String) {
            string((String) v);
        } else if (v instanceof StringList) {
            ascii("[");
            StringList list = (StringList) v;
            for (int i = 0; i < list.size(); i++) {
                if (i > 0) {
                    ascii(",");
                }
                string(list.get(i));
            }
            ascii("]");
        } else {
            ascii(v.toString()); // Long or Boolean: decimal digits or true/false
        }
    }

    private void string(String s) {
        put((byte) '"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '"' || c == '\\') {
                put((byte) '\\');
                put((byte) c);
            } else if (c < 0x20) {
                escapeControl(c);
            } else if (c < 0x80) {
                put((byte) c);
            } else {
                int end = i + 1;
                while (end < s.length() && s.charAt(end) >= 0x80) {
                    end++;
                }
                bytes(s.substring(i, end).getBytes(StandardCharsets.UTF_8));
                i = end - 1;
            }
        }
        put((byte) '"');
    }

    private void escapeControl(char c) {
        switch (c) {
            case '\b': ascii("\\b"); break;
            case '\t': ascii("\\t"); break;
            case '\n': ascii("\\n"); break;
            case '\f': ascii("\\f"); break;
            case '\r': ascii("\\r"); break;
            default: ascii(String.format("\\u%04x", (int) c));
        }
    }

    private void ascii(String s) {
        for (int i = 0; i < s.length(); i++) {
            put((byte) s.charAt(i));
        }
    }

    private void bytes(byte[] b) {
        for (byte x : b) {
            put(x);
        }
    }

    private void put(byte b) {
        if (len == buf.length) {
            sha.update(buf, 0, len);
            len = 0;
        }
        buf[len++] = b;
    }

    private String finish() {
        sha.update(buf, 0, len);
        return HexFormat.of().formatHex(sha.digest());
    }
}
