package org.connectorconsole.conversation.ui;

import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.confirmdialog.ConfirmDialog;
import com.vaadin.flow.component.dialog.Dialog;
import com.vaadin.flow.component.html.H2;
import com.vaadin.flow.component.icon.VaadinIcon;
import com.vaadin.flow.component.orderedlayout.FlexComponent;
import com.vaadin.flow.component.orderedlayout.HorizontalLayout;
import com.vaadin.flow.component.textfield.TextField;
import org.connectorconsole.base.ConflictException;
import org.connectorconsole.base.ValidationException;
import org.connectorconsole.conversation.Conversation;
import org.connectorconsole.conversation.ConversationService;

/** The conversation's title with Rename and Delete (which returns to the list of conversations). */
class ConversationHeader extends HorizontalLayout {

    private final ConversationService conversations;
    private final H2 title = new H2();
    private Conversation conversation;

    ConversationHeader(ConversationService conversations) {
        this.conversations = conversations;
        title.setId("conversation-title");
        Button rename = new Button(VaadinIcon.EDIT.create(), e -> rename());
        rename.setId("rename-conversation");
        rename.setAriaLabel("Rename");
        rename.addThemeVariants(ButtonVariant.LUMO_TERTIARY);
        Button delete = new Button(VaadinIcon.TRASH.create(), e -> confirmDelete());
        delete.setId("delete-conversation");
        delete.setAriaLabel("Delete conversation");
        delete.addThemeVariants(ButtonVariant.LUMO_TERTIARY, ButtonVariant.LUMO_ERROR);
        add(title, rename, delete);
        setAlignItems(FlexComponent.Alignment.CENTER);
    }

    void show(Conversation shown) {
        conversation = shown;
        title.setText(shown.title());
    }

    private void rename() {
        TextField field = new TextField("Title");
        field.setValue(conversation.title());
        field.setWidthFull();
        field.setMaxLength(ConversationService.MAX_TITLE);
        field.setId("conversation-title-field");
        Dialog dialog = new Dialog();
        dialog.setHeaderTitle("Rename conversation");
        dialog.add(field);
        Button save = new Button("Save", e -> {
            try {
                show(conversations.rename(conversation.id(), field.getValue(), conversation.version()));
                dialog.close();
            } catch (ValidationException | ConflictException ex) {
                field.setInvalid(true);
                field.setErrorMessage(ex.getMessage());
            }
        });
        save.setId("save-title");
        save.addThemeVariants(ButtonVariant.LUMO_PRIMARY);
        dialog.getFooter().add(new Button("Cancel", e -> dialog.close()), save);
        dialog.open();
    }

    private void confirmDelete() {
        ConfirmDialog dialog = new ConfirmDialog();
        dialog.setHeader("Delete " + conversation.title() + "?");
        dialog.setText("Its history of tool calls is deleted. The audit log keeps its record of them.");
        dialog.setCancelable(true);
        dialog.setConfirmText("Delete");
        dialog.setConfirmButtonTheme("error primary");
        dialog.addConfirmListener(e -> {
            conversations.delete(conversation.id());
            getUI().ifPresent(u -> u.navigate(ConversationsView.class));
        });
        dialog.open();
    }
}
