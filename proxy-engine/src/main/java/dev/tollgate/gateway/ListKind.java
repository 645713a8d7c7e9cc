package dev.tollgate.gateway;

/** The four lists an MCP server offers, with the method that reads each and the key holding its items. */
enum ListKind {
    TOOLS("tools/list", "tools", "tools", "notifications/tools/list_changed"),
    RESOURCES("resources/list", "resources", "resources", "notifications/resources/list_changed"),
    RESOURCE_TEMPLATES("resources/templates/list", "resourceTemplates", "resources", "notifications/resources/list_changed"),
    PROMPTS("prompts/list", "prompts", "prompts", "notifications/prompts/list_changed");

    final String method;
    final String itemsKey;
    final String capability;
    final String changedNotification;

    ListKind(String method, String itemsKey, String capability, String changedNotification) {
        this.method = method;
        this.itemsKey = itemsKey;
        this.capability = capability;
        this.changedNotification = changedNotification;
    }
}
