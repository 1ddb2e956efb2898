<%@ page contentType="text/plain" %>
<% String name = request.getParameter("missing"); %>
length: <%= name.length() %>
