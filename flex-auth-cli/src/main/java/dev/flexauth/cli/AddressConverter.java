package dev.flexauth.cli;

import java.net.InetSocketAddress;
import picocli.CommandLine;

/** {@code host:port} or {@code [ipv6]:port}; every interface is {@code 0.0.0.0:port}, said explicitly. */
final class AddressConverter implements CommandLine.ITypeConverter<InetSocketAddress> {
    @Override
    public InetSocketAddress convert(String value) {
        int colon = value.lastIndexOf(':');
        if (colon < 0) {
            throw new CommandLine.TypeConversionException("expected HOST:PORT, e.g. 127.0.0.1:8080, but found '"
                    + value + "'");
        }
        String host = value.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        if (host.isEmpty()) {
            throw new CommandLine.TypeConversionException("expected a host before the port in '" + value
                    + "', e.g. 127.0.0.1:8080 (or 0.0.0.0:8080 for every interface)");
        }
        int port;
        try {
            port = Integer.parseInt(value.substring(colon + 1));
        } catch (NumberFormatException e) {
            port = -1;
        }
        if (port < 0 || port > 65_535) {
            throw new CommandLine.TypeConversionException("expected a port from 0 to 65535 in '" + value + "'");
        }
        InetSocketAddress address = new InetSocketAddress(host, port);
        if (address.isUnresolved()) {
            throw new CommandLine.TypeConversionException("cannot resolve host '" + host + "' in '" + value
                    + "'; give an IP address such as 127.0.0.1 or a resolvable name");
        }
        return address;
    }
}
