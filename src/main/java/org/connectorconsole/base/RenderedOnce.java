package org.connectorconsole.base;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.jooq.Converter;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.Param;
import org.jooq.Query;
import org.jooq.Record;
import org.jooq.Result;
import org.jooq.Select;

/**
 * A hot statement whose SQL jOOQ renders <b>once</b> (decision 0072): the query is built with a marker value for each
 * argument, rendered with bind markers, and from then on run with plain JDBC on the same DSLContext's connection
 * (so inside the caller's transaction, if any), its arguments bound where the markers were. jOOQ renders a query's
 * SQL on every execution, which the profile of a gateway call showed as about a sixth of the console's CPU; a
 * statement run several times per call is rendered once per JVM instead. Only for statements whose shape does not
 * depend on the arguments. Shared by the features' repositories (decision 0076): the caller builds the query from its
 * own generated tables, this class only renders and binds it.
 */
public final class RenderedOnce {

    /** Reads the statement's result. */
    public interface Reader<T> {
        T read(ResultSet rows) throws SQLException;
    }

    private final String sql;
    /** Per bind marker: the index of the argument it takes, or -1 for a constant of the query. */
    private final int[] argument;
    private final Object[] constant;
    /** A select's fields (with their converters), to read its rows as jOOQ records; empty for other statements. */
    private final Field<?>[] fields;

    /**
     * @param markers one value per argument, as passed to {@code query}'s builder after its column's converter (a
     *        UUID for an id, a string, an {@code OffsetDateTime}; never a value that occurs in the query otherwise);
     *        each bind value equal to one becomes that argument
     */
    public RenderedOnce(DSLContext db, Query query, Object... markers) {
        this.sql = db.render(query);
        this.fields = query instanceof Select<?> select ? select.getSelect().toArray(Field<?>[]::new) : new Field<?>[0];
        List<Param<?>> params = new ArrayList<>();
        // the bind values as this DSLContext (its dialect and settings) renders them, in the order of the markers
        for (Map.Entry<String, Param<?>> p : db.extractParams(query).entrySet()) {
            if (!p.getValue().isInline()) {
                params.add(p.getValue());
            }
        }
        if (sql.chars().filter(c -> c == '?').count() != params.size()) {
            // a shape this class cannot bind by position (a literal '?', an operator): refuse it at once
            throw new IllegalStateException("Cannot render once: " + params.size() + " bind values for " + sql);
        }
        this.argument = new int[params.size()];
        this.constant = new Object[params.size()];
        for (int i = 0; i < params.size(); i++) {
            Object value = databaseValue(params.get(i));
            argument[i] = -1;
            for (int k = 0; k < markers.length; k++) {
                if (markers[k].equals(value)) {
                    argument[i] = k;
                }
            }
            constant[i] = argument[i] < 0 ? value : null;
        }
        for (int k = 0; k < markers.length; k++) {
            final int marker = k;
            if (java.util.Arrays.stream(argument).noneMatch(a -> a == marker)) {
                // a converter or a change of the query lost the marker: binding it as a constant would read nothing
                throw new IllegalStateException("Cannot render once: argument " + k + " is not bound in " + sql);
            }
        }
    }

    @SuppressWarnings("unchecked")
    private static Object databaseValue(Param<?> param) {
        Converter<Object, Object> converter = (Converter<Object, Object>) param.getConverter();
        return converter.to(param.getValue());
    }

    /** Runs the statement with these arguments (in the order of the markers). */
    public <T> T query(DSLContext db, Reader<T> reader, Object... arguments) {
        return db.connectionResult(connection -> {
            try (PreparedStatement statement = connection.prepareStatement(sql)) {
                for (int i = 0; i < argument.length; i++) {
                    statement.setObject(i + 1, argument[i] >= 0 ? arguments[argument[i]] : constant[i]);
                }
                try (ResultSet rows = statement.executeQuery()) {
                    return reader.read(rows);
                }
            }
        });
    }

    /**
     * Runs the select with these arguments and reads its rows as records of its own fields, converters applied, so
     * that the mapping written for the jOOQ query reads them unchanged ({@code r.get(FIELD)}, {@code into(TABLE)}).
     */
    public Result<Record> fetch(DSLContext db, Object... arguments) {
        return query(db, rows -> db.fetch(rows, fields), arguments);
    }

    public String sql() {
        return sql;
    }
}
