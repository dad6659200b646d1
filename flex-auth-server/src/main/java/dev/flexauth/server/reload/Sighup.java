package dev.flexauth.server.reload;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;

/**
 * Reload on SIGHUP, through {@code sun.misc.Signal} (module jdk.unsupported: the JDK has no
 * supported signal API). It is reached by reflection so that the build stays free of
 * proprietary-API warnings and a runtime without jdk.unsupported still starts, just without
 * SIGHUP. The handler is process-wide: installing replaces the previous one, and
 * {@link #restore()} puts it back when the server stops.
 */
public final class Sighup {
    private final Method handle;
    private final Object signal;
    private final Object previous;

    private Sighup(Method handle, Object signal, Object previous) {
        this.handle = handle;
        this.signal = signal;
        this.previous = previous;
    }

    /**
     * Runs {@code onSignal} on each SIGHUP.
     *
     * @throws UnsupportedOperationException if this runtime, platform or JVM ({@code -Xrs}) does not
     *     let Java handle SIGHUP; the message says why
     */
    public static Sighup install(Runnable onSignal) {
        try {
            Class<?> signalClass = Class.forName("sun.misc.Signal");
            Class<?> handlerClass = Class.forName("sun.misc.SignalHandler");
            Method handle = signalClass.getMethod("handle", signalClass, handlerClass);
            Object hup = signalClass.getConstructor(String.class).newInstance("HUP");
            Object handler = Proxy.newProxyInstance(handlerClass.getClassLoader(), new Class<?>[] {handlerClass},
                    (proxy, method, args) -> {
                        switch (method.getName()) {
                            case "handle":
                                onSignal.run();
                                return null;
                            case "equals":
                                return proxy == args[0];
                            case "hashCode":
                                return System.identityHashCode(proxy);
                            default:
                                return "flex-auth reload on SIGHUP";
                        }
                    });
            return new Sighup(handle, hup, handle.invoke(null, hup, handler));
        } catch (InvocationTargetException e) {
            throw new UnsupportedOperationException(String.valueOf(e.getCause().getMessage()), e.getCause());
        } catch (ReflectiveOperationException | LinkageError e) {
            throw new UnsupportedOperationException("this Java runtime has no sun.misc.Signal (module jdk.unsupported)", e);
        }
    }

    public void restore() {
        try {
            handle.invoke(null, signal, previous);
        } catch (ReflectiveOperationException e) {
            // It was installed the same way a moment ago; there is nothing better to do while stopping.
        }
    }
}
