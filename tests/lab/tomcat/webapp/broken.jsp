<%@ page contentType="text/plain" %>
<% int total = ; %>
never shown
