package org.connectorconsole.bench;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import javax.sql.DataSource;
import org.springframework.beans.factory.config.BeanPostProcessor;

/**
 * For the benchmark only: the console's data source, wrapped so that every statement executed (whoever sends it:
 * jOOQ, Spring, the driver's own batch) and every commit and rollback is counted and timed on the client side
 * (round trip included) while {@link #on} is set. Statements are grouped by their SQL text (parameters are bind
 * variables, so one text is one statement of the code). Only with {@code -Dbench.statements=true}
 * ({@code BENCH_STATEMENTS=true src/bench/gateway.sh}): its reflection proxies cost the gateway arm some CPU.
 */
final class StatementLog implements BeanPostProcessor {

    static volatile boolean on;
    private static final Map<String, long[]> BY_SQL = new ConcurrentHashMap<>();
    private static final LongAdder COMMITS = new LongAdder();
    private static final LongAdder COMMIT_NANOS = new LongAdder();

    @Override
    public Object postProcessAfterInitialization(Object bean, String beanName) {
        if (bean instanceof DataSource ds && "dataSource".equals(beanName) && Boolean.getBoolean("bench.statements")) {
            return Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {DataSource.class},
                    (proxy, method, args) -> {
                        Object result = invoke(ds, method, args);
                        return result instanceof Connection c ? wrap(c, Connection.class) : result;
                    });
        }
        return bean;
    }

    static void reset() {
        BY_SQL.clear();
        COMMITS.reset();
        COMMIT_NANOS.reset();
    }

    /** One line per statement text, most time first, then the commits; per call of {@code calls}. */
    static List<String> report(int calls) {
        List<String> lines = new ArrayList<>();
        long count = 0;
        long nanos = 0;
        List<Map.Entry<String, long[]>> entries = new ArrayList<>(BY_SQL.entrySet());
        entries.sort(Comparator.comparingLong((Map.Entry<String, long[]> e) -> e.getValue()[1]).reversed());
        for (Map.Entry<String, long[]> e : entries) {
            long[] v = e.getValue();
            count += v[0];
            nanos += v[1];
            String sql = e.getKey().replaceAll("\\s+", " ");
            lines.add(String.format("[bench]   %5.2f stmts/call %6.3f ms/call  %s", v[0] / (double) calls,
                    v[1] / 1e6 / calls, sql.length() > 150 ? sql.substring(0, 150) + "…" : sql));
        }
        lines.add(0, String.format("[bench]   statements: %.1f per call, %.2f ms per call (client side, round "
                + "trip included); commits: %.2f per call, %.2f ms per call", count / (double) calls,
                nanos / 1e6 / calls, COMMITS.sum() / (double) calls, COMMIT_NANOS.sum() / 1e6 / calls));
        return lines;
    }

    private static Object invoke(Object target, Method method, Object[] args) throws Throwable {
        try {
            return method.invoke(target, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }

    @SuppressWarnings("unchecked")
    private static <T> T wrap(T target, Class<T> type) {
        return (T) Proxy.newProxyInstance(StatementLog.class.getClassLoader(), new Class<?>[] {type},
                (proxy, method, args) -> {
                    String name = method.getName();
                    long t = System.nanoTime();
                    Object result = invoke(target, method, args);
                    long took = System.nanoTime() - t;
                    if (on && (name.equals("commit") || name.equals("rollback"))) {
                        COMMITS.increment();
                        COMMIT_NANOS.add(took);
                    }
                    if (result instanceof java.sql.CallableStatement cs && name.equals("prepareCall")) {
                        return statement(cs, java.sql.CallableStatement.class, (String) args[0]);
                    }
                    if (result instanceof java.sql.PreparedStatement ps && name.equals("prepareStatement")) {
                        return statement(ps, java.sql.PreparedStatement.class, (String) args[0]);
                    }
                    if (result instanceof Statement st && name.equals("createStatement")) {
                        return statement(st, Statement.class, null);
                    }
                    return result;
                });
    }

    @SuppressWarnings("unchecked")
    private static <T extends Statement> T statement(T target, Class<T> type, String prepared) {
        return (T) Proxy.newProxyInstance(StatementLog.class.getClassLoader(), new Class<?>[] {type},
                (proxy, method, args) -> {
                    if (!on || !method.getName().startsWith("execute")) {
                        return invoke(target, method, args);
                    }
                    long t = System.nanoTime();
                    Object result = invoke(target, method, args);
                    long took = System.nanoTime() - t;
                    String sql = args != null && args.length > 0 && args[0] instanceof String s ? s
                            : String.valueOf(prepared);
                    long[] v = BY_SQL.computeIfAbsent(sql, k -> new long[2]);
                    synchronized (v) {
                        v[0]++;
                        v[1] += took;
                    }
                    return result;
                });
    }
}
