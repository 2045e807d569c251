import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Constructor;
import java.lang.reflect.Method;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Starts one real single-node engine (OpenSearch 2.x/3.x or Elasticsearch 7.10) from the jars on
 * the class path, for the test suite (test/support/engines.ts). Run as a single-file program:
 *
 * <pre>java -Xms512m -Xmx512m -cp CLASSPATH Launcher.java HOME_DIR [--compat]</pre>
 *
 * Everything engine-specific is reached by reflection, so one file serves both package names
 * (org.opensearch, org.elasticsearch) and both shapes of Node's protected constructor (plugin
 * classes before OpenSearch 3, plugin descriptions from 3 on). Binds loopback only, on ports the
 * system picks; prints one line, "ENGINE-READY port=N version=V product=P", once HTTP is up; stops
 * when its standard input closes (the test run ended, or its parent died).
 */
public final class Launcher {
    /** The modules the tests need, by their names in each engine's releases. */
    private static final String[][] MODULES = {
        { "transport.Netty4ModulePlugin", "transport.Netty4Plugin" },
        { "analysis.common.CommonAnalysisModulePlugin", "analysis.common.CommonAnalysisPlugin" },
        { "painless.PainlessModulePlugin", "painless.PainlessPlugin" },
        { "index.reindex.ReindexModulePlugin", "index.reindex.ReindexPlugin" },
        { "index.mapper.MapperExtrasModulePlugin", "index.mapper.MapperExtrasPlugin" }, };

    public static void main(String[] args) throws Exception {
        if (args.length < 1) {
            System.err.println("usage: Launcher HOME_DIR [--compat]");
            System.exit(2);
        }
        Path home = Path.of(args[0]).toAbsolutePath();
        boolean compat = List.of(args).contains("--compat");
        String pkg = present("org.opensearch.node.Node") ? "org.opensearch" : "org.elasticsearch";
        Files.createDirectories(home.resolve("data"));
        Files.createDirectories(home.resolve("logs"));
        Files.createDirectories(home.resolve("config"));

        Class<?> settingsClass = Class.forName(pkg + ".common.settings.Settings");
        Object builder = settingsClass.getMethod("builder").invoke(null);
        Method put = builder.getClass().getMethod("put", String.class, String.class);
        put.invoke(builder, "path.home", home.toString());
        put.invoke(builder, "path.data", home.resolve("data").toString());
        put.invoke(builder, "path.logs", home.resolve("logs").toString());
        put.invoke(builder, "cluster.name", "sigv4-tests");
        put.invoke(builder, "node.name", "sigv4-tests-node");
        put.invoke(builder, "discovery.type", "single-node");
        put.invoke(builder, "network.host", "127.0.0.1");
        put.invoke(builder, "http.port", "0");
        put.invoke(builder, "transport.port", "0");
        // The test machine's disk use must not turn indices read-only.
        put.invoke(builder, "cluster.routing.allocation.disk.threshold_enabled", "false");
        if (compat) put.invoke(builder, "compatibility.override_main_response_version", "true");
        Object settings = builder.getClass().getMethod("build").invoke(builder);

        Class<?> logConfigurator = Class.forName(pkg + ".common.logging.LogConfigurator");
        logConfigurator.getMethod("configureWithoutConfig", settingsClass).invoke(null, settings);

        Class<?> preparer = Class.forName(pkg + ".node.InternalSettingsPreparer");
        Supplier<String> nodeName = () -> "sigv4-tests-node";
        Object environment = preparer
            .getMethod("prepareEnvironment", settingsClass, Map.class, Path.class, Supplier.class)
            .invoke(null, settings, Collections.emptyMap(), home.resolve("config"), nodeName);

        Class<?> nodeClass = Class.forName(pkg + ".node.Node");
        Class<?> envClass = Class.forName(pkg + ".env.Environment");
        Constructor<?> ctor = nodeClass.getDeclaredConstructor(envClass, Collection.class, boolean.class);
        ctor.setAccessible(true);
        Object node = ctor.newInstance(environment, classpathPlugins(pkg, ctor), false);
        nodeClass.getMethod("start").invoke(node);

        Object injector = nodeClass.getMethod("injector").invoke(node);
        Class<?> httpClass = Class.forName(pkg + ".http.HttpServerTransport");
        Object http = Class.forName(pkg + ".common.inject.Injector").getMethod("getInstance", Class.class)
            .invoke(injector, httpClass);
        Object bound = call(http, "boundAddress");
        Object address = call(bound, "publishAddress");
        int port = (Integer) call(address, "getPort");
        Object version = Class.forName(pkg + ".Version").getField("CURRENT").get(null);

        // Whoever ends the JVM (the suite, or its parent's death closing our standard input), the
        // node is closed and its temporary home removed.
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            closeQuietly(nodeClass, node);
            deleteQuietly(home);
        }));
        System.out.println("ENGINE-READY port=" + port + " version=" + version + " product=" + pkg.substring(4));
        System.out.flush();

        // Runs until the parent closes our standard input (or dies, which closes it too).
        InputStream in = System.in;
        byte[] buffer = new byte[256];
        while (in.read(buffer) >= 0) {
            // Nothing is read from the parent; the pipe only says it is still there.
        }
        System.exit(0);
    }

    /** The plugin classes in the form this engine's Node constructor takes. */
    private static Collection<Object> classpathPlugins(String pkg, Constructor<?> ctor) throws Exception {
        List<Class<?>> classes = new ArrayList<>();
        for (String[] names : MODULES) {
            Class<?> found = null;
            for (String name : names) {
                if (present(pkg + "." + name)) {
                    found = Class.forName(pkg + "." + name);
                    break;
                }
            }
            if (found == null) throw new IllegalStateException("module not on the class path: " + names[0]);
            classes.add(found);
        }
        Type pluginsParam = ctor.getGenericParameterTypes()[1];
        Type element = ((ParameterizedType) pluginsParam).getActualTypeArguments()[0];
        List<Object> plugins = new ArrayList<>();
        if (element.getTypeName().endsWith(".PluginInfo")) {
            // OpenSearch 3: a description per plugin, named after its class.
            Class<?> info = Class.forName(pkg + ".plugins.PluginInfo");
            Class<?> versionClass = Class.forName(pkg + ".Version");
            Object current = versionClass.getField("CURRENT").get(null);
            Constructor<?> make = info.getConstructor(String.class, String.class, String.class, versionClass,
                String.class, String.class, String.class, List.class, boolean.class);
            for (Class<?> c : classes) {
                plugins.add(make.newInstance(c.getName(), "classpath plugin", "NA", current, "1.8", c.getName(), null,
                    Collections.emptyList(), false));
            }
        } else {
            plugins.addAll(classes);
        }
        return plugins;
    }

    /** A public method of an object whose class itself may not be public. */
    private static Object call(Object target, String method) throws Exception {
        Method m = target.getClass().getMethod(method);
        m.setAccessible(true);
        return m.invoke(target);
    }

    private static boolean present(String className) {
        try {
            Class.forName(className, false, Launcher.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException e) {
            return false;
        }
    }

    private static void deleteQuietly(Path home) {
        try (var paths = Files.walk(home)) {
            paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            System.err.println("could not remove " + home + ": " + e);
        }
    }

    private static void closeQuietly(Class<?> nodeClass, Object node) {
        try {
            nodeClass.getMethod("close").invoke(node);
        } catch (ReflectiveOperationException e) {
            System.err.println("engine did not close cleanly: " + e.getCause());
        }
    }
}
