package org.connectorconsole.base.ui;

import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.grid.Grid;
import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.component.icon.VaadinIcon;
import com.vaadin.flow.component.textfield.TextField;
import com.vaadin.flow.data.value.ValueChangeMode;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Function;
import org.connectorconsole.base.ListPage;
import org.connectorconsole.base.ValidationException;

/**
 * A grid filled a page at a time from a keyset-paged service, with its search field, its "Show N more" button and
 * the line that says nothing matches. A row that moved further down between two pages (renamed, say) is shown
 * once; a search the service refuses is explained at the field. The ids are {@code <noun>-search},
 * {@code no-<noun>-match} and {@code <nouns>-more}.
 */
public final class PagedList<T> {

    /** One page of the list: {@code limit} rows after {@code after} (null: from the top) that match the search. */
    @FunctionalInterface
    public interface Pages<T> {
        ListPage<T> read(String search, T after, int limit);
    }

    private final Grid<T> grid;
    private final int pageSize;
    private final Pages<T> pages;
    private final Function<T, Object> key;
    private final Function<String, String> noMatchText;
    private final TextField search = new TextField();
    private final Div noMatch = new Div();
    private final Button more = new Button();
    private final List<T> shown = new ArrayList<>();
    private boolean hasMore;

    public PagedList(Grid<T> grid, String noun, String nouns, String searchPlaceholder, int pageSize, Pages<T> pages,
            Function<T, Object> key, Function<String, String> noMatchText) {
        this.grid = grid;
        this.pageSize = pageSize;
        this.pages = pages;
        this.key = key;
        this.noMatchText = noMatchText;
        search.setId(noun + "-search");
        search.setPlaceholder(searchPlaceholder);
        search.setPrefixComponent(VaadinIcon.SEARCH.create());
        search.setClearButtonVisible(true);
        search.setWidth("22rem");
        search.setMaxLength(ListPage.MAX_SEARCH);
        search.setAriaLabel("Search " + nouns);
        search.setValueChangeMode(ValueChangeMode.LAZY);
        search.addValueChangeListener(e -> showFirstPage(pageSize));
        noMatch.setId("no-" + noun + "-match");
        noMatch.addClassName("console-muted");
        more.setId(nouns + "-more");
        more.setText("Show " + pageSize + " more");
        more.addClickListener(e -> load(shown.isEmpty() ? null : shown.getLast(), pageSize));
    }

    public TextField searchField() {
        return search;
    }

    public Div noMatch() {
        return noMatch;
    }

    public Button moreButton() {
        return more;
    }

    /** From the top again, as many rows as were shown (at least a page), so the person keeps their place. */
    public void reload() {
        int wanted = Math.max(pageSize, shown.size());
        showFirstPage(Math.min(wanted, ListPage.MAX_LIMIT));
        int before = -1;
        while (hasMore && shown.size() < wanted && shown.size() > before) {
            before = shown.size();
            load(shown.getLast(), Math.min(wanted - shown.size(), ListPage.MAX_LIMIT));
        }
    }

    private void showFirstPage(int limit) {
        shown.clear();
        hasMore = false;
        load(null, limit);
    }

    private void load(T after, int limit) {
        search.setInvalid(false);
        try {
            ListPage<T> page = pages.read(search.getValue(), after, limit);
            Set<Object> keys = new HashSet<>();
            shown.forEach(row -> keys.add(key.apply(row)));
            page.items().stream().filter(row -> keys.add(key.apply(row))).forEach(shown::add);
            hasMore = page.hasMore();
        } catch (ValidationException ex) {
            hasMore = false;
            search.setErrorMessage(ex.getMessage());
            search.setInvalid(true);
        }
        grid.setItems(shown);
        grid.setVisible(!shown.isEmpty());
        more.setVisible(hasMore);
        noMatch.setVisible(shown.isEmpty() && !search.getValue().isBlank() && !search.isInvalid());
        noMatch.setText(noMatchText.apply(search.getValue().strip()));
    }
}
