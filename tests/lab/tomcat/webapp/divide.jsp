<%@ page contentType="text/plain" %>
<% int zero = Integer.parseInt("0"); %>
ratio: <%= 10 / zero %>
