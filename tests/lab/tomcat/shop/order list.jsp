<%@ page contentType="text/plain" %>
<% int page_no = Integer.parseInt("first"); %>
page <%= page_no %>
